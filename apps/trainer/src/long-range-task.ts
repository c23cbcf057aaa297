/**
 * The long-range tasks (`copy-task`, `adding-task`) as trainer tasks: the
 * note's long-term dependency problem with a known answer and a known
 * memoryless baseline, so "the model remembers" becomes a number.
 *
 * The data is endless, so there are no splits by position: training draws
 * batches from the dataset's seed, validation and test from two other seeds
 * (fixed examples, the same at every evaluation). Every batch starts from a
 * fresh state.
 *
 * - copy: token ids in, a symbol (or blank) out at every step, cross-entropy
 *   over every step (as Arjovsky et al. 2016 train it); the metric a reader
 *   wants is the accuracy on the recalled symbols (chance: 1/symbols).
 * - adding: two features per step (value, marker), one answer at the last
 *   step: the target sits at every step and a mask keeps the last one only,
 *   so the ordinary masked MSE trains it. Baseline: 1/6 (always answer 1).
 */
import type { BatchStream, TaskBatch, TaskDataset } from "@recurrent/data";
import { DataError } from "@recurrent/data";
import { tensor } from "@recurrent/tensor";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import type { TrainBatch, TrainStream } from "./train-stream.js";

/** Examples in the validation (and the test) set of a long-range task. */
export const longRangeEvalExamples = 512;

/** Seed offsets of the held-out examples: far from the training seed, fixed per split. */
const splitSeedOffset = { validation: 1_000_003, test: 2_000_006 } as const;

export interface LongRangeTask {
  readonly kind: "long-range";
  readonly dataset: TaskDataset;
  readonly description: string;
  readonly train: TrainStream;
  /** "tokens": int32 ids (copy); "values": float features (adding). */
  readonly inputs: "tokens" | "values";
  /** Vocabulary of the ids (tokens), or features per step (values). */
  readonly vocab: number;
  readonly features: number;
  /** Head outputs per step: the vocabulary (copy) or 1 (adding). */
  readonly outputSize: number;
  /** Time steps of one example. */
  readonly steps: number;
  /** The memoryless baseline of the training loss (nats per step, or MSE). */
  readonly baselineLoss: number;
  /** Chance accuracy on the recalled symbols (copy), else null. */
  readonly chanceAccuracy: number | null;
  /** The held-out batches of a split, built on demand (the caller disposes them). */
  heldOut(split: "validation" | "test", batchSize: number): BatchStream<TrainBatch & TaskBatch>;
}

/** The dataset's own seed (its `seed` option), the base of every split's seed. */
function datasetSeed(config: TrainerConfig): number {
  const seed = config.data.dataset.seed;
  return typeof seed === "number" ? seed : 0;
}

/** A task batch as a training batch: the adding task's answer spread over time and masked. */
function asTrainBatch(batch: TaskBatch, values: boolean): TrainBatch & TaskBatch {
  if (!values) {
    return { ...batch, mask: null, count: batch.targets.size };
  }
  const [steps, rows] = batch.inputs.shape as [number, number, number];
  const answers = batch.targets.data(); // [batch, 1]
  batch.targets.dispose();
  const spread = new Float32Array(steps * rows);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < rows; b++) spread[t * rows + b] = answers[b] as number;
  }
  const targets = tensor(spread, { shape: [steps, rows, 1] });
  const mask = new Float32Array(steps * rows);
  mask.fill(1, (steps - 1) * rows);
  return {
    ...batch,
    targets,
    mask: null,
    lossMask: tensor(mask, { shape: [steps, rows] }),
    count: rows,
  };
}

function mapStream(
  stream: BatchStream<TaskBatch>,
  values: boolean,
): BatchStream<TrainBatch & TaskBatch> {
  const mapped: BatchStream<TrainBatch & TaskBatch> = {
    get statePolicy() {
      return stream.statePolicy;
    },
    get position() {
      return stream.position;
    },
    batchesInEpoch: (epoch) => stream.batchesInEpoch(epoch),
    batchAt: (position) => asTrainBatch(stream.batchAt(position), values),
    nextBatch: () => asTrainBatch(stream.nextBatch(), values),
    seek(position) {
      stream.seek(position);
      return mapped;
    },
    *[Symbol.iterator]() {
      for (const batch of stream) yield asTrainBatch(batch, values);
    },
  };
  return mapped;
}

/** Build the trainer task of a copy or adding dataset. */
export function longRangeTask(dataset: TaskDataset, config: TrainerConfig): LongRangeTask {
  const values = dataset.inputs === "values";
  const info = dataset.info as { baselineLoss: number; vocabularySize?: number; steps?: number };
  const seed = datasetSeed(config);
  const batches = (batchSize: number, streamSeed: number) => {
    try {
      return mapStream(dataset.batches({ batchSize, seed: streamSeed }), values);
    } catch (error) {
      if (error instanceof DataError) {
        throw new TrainerError("DATA", `data: ${dataset.name}: ${error.message}`);
      }
      throw error;
    }
  };
  const stream = batches(config.train.batchSize, seed);
  const probe = stream.batchAt({ epoch: 0, batch: 0 });
  const steps = probe.inputs.shape[0] as number;
  const features = values ? (probe.inputs.shape[2] as number) : 1;
  disposeBatch(probe);
  const vocab = values ? 0 : (info.vocabularySize as number);
  const symbols = vocab - 2; // copy: blank, the symbols, the delimiter
  return {
    kind: "long-range",
    dataset,
    description: dataset.description,
    inputs: values ? "values" : "tokens",
    vocab,
    features,
    outputSize: values ? 1 : vocab,
    steps,
    baselineLoss: info.baselineLoss,
    chanceAccuracy: values ? null : 1 / symbols,
    train: {
      statePolicy: stream.statePolicy,
      get position() {
        return stream.position;
      },
      seek: (position) => void stream.seek(position),
      next: () => stream.nextBatch(),
    },
    heldOut: (split, batchSize) => batches(batchSize, seed + splitSeedOffset[split]),
  };
}

/** Dispose the tensors of a training batch. */
export function disposeBatch(batch: TrainBatch): void {
  for (const t of [batch.inputs, batch.targets, batch.mask, batch.lossMask]) t?.dispose();
}

/** The data line of a run's start-of-run summary. */
export function describeLongRange(task: LongRangeTask): string {
  const what =
    task.inputs === "tokens"
      ? `vocabulary ${task.vocab}, memoryless baseline ${task.baselineLoss.toFixed(4)} nats/step, chance accuracy ${(100 * (task.chanceAccuracy ?? 0)).toFixed(1)}%`
      : `${task.features} features per step, baseline mse ${task.baselineLoss.toFixed(4)}`;
  return `${task.description}: endless training examples of ${task.steps} steps, ${longRangeEvalExamples} held-out for validation and for test, ${what}`;
}
