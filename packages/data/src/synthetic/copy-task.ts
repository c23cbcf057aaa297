/**
 * The copy task (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016): read
 * `length` random symbols, wait `delay` steps, then write the symbols back.
 * Ids: 0 blank, 1 … symbols the symbols, symbols + 1 the delimiter that says
 * "now write". The input is s₁…s_L, blank × (delay − 1), delimiter,
 * blank × L; the target is blank × (L + delay), s₁…s_L. A model that
 * remembers nothing can do no better than the baseline cross-entropy
 * L·ln(symbols) / (delay + 2L); a vanilla RNN stalls there for long delays,
 * an LSTM or GRU gets below it.
 */
import { z } from "@recurrent/registry";
import { tensor } from "@recurrent/tensor";
import { type BatchStream, createBatchStream } from "../batch-stream.js";
import { parseOptions } from "../options.js";
import { generatorFor } from "../seed.js";
import { type TaskBatch, type TaskStreamOptions, taskStreamSchema } from "./task-batch.js";

/**
 * The copy task's options, declared once: `copyTaskInfo`, `copyTaskBatches`
 * and the `copy-task` entry parse it.
 */
export const copyTaskSchema = z.object({
  length: z.number().int().min(1).default(10).describe("symbols to remember"),
  delay: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe("steps between the last symbol and the start of the answer"),
  symbols: z.number().int().min(1).default(8).describe("size of the alphabet"),
});

export type CopyTaskOptions = z.input<typeof copyTaskSchema>;

const copyTaskStreamSchema = copyTaskSchema.extend(taskStreamSchema.shape);

export interface CopyTaskInfo {
  /** symbols + 2: blank, the symbols, the delimiter. */
  readonly vocabularySize: number;
  readonly blankId: 0;
  readonly delimiterId: number;
  /** Time steps per example: delay + 2·length. */
  readonly steps: number;
  /** Cross-entropy per step of the best memoryless guess. */
  readonly baselineLoss: number;
}

/** The task's sizes and its memoryless baseline. */
export function copyTaskInfo(options: CopyTaskOptions = {}): CopyTaskInfo {
  const { length, delay, symbols } = parseOptions("copyTaskInfo", copyTaskSchema, options);
  const steps = delay + 2 * length;
  return {
    vocabularySize: symbols + 2,
    blankId: 0,
    delimiterId: symbols + 1,
    steps,
    baselineLoss: (length * Math.log(symbols)) / steps,
  };
}

/**
 * Endless batches of the copy task: inputs and targets int32 [time, batch].
 *
 * @example
 * const stream = copyTaskBatches({ length: 5, delay: 20, batchSize: 32, seed: 1 });
 * const { inputs, targets } = stream.nextBatch(); // both [30, 32]
 */
export function copyTaskBatches(
  options: CopyTaskOptions & TaskStreamOptions,
): BatchStream<TaskBatch> {
  const where = "copyTaskBatches";
  const { length, delay, symbols, batchSize, batchesPerEpoch, seed, batchFirst } = parseOptions(
    where,
    copyTaskStreamSchema,
    options,
  );
  const steps = delay + 2 * length;
  return createBatchStream({
    name: where,
    statePolicy: "reset",
    batchesInEpoch: () => batchesPerEpoch,
    build(epoch, index) {
      const random = generatorFor(seed, epoch, index);
      const inputs = new Int32Array(steps * batchSize);
      const targets = new Int32Array(steps * batchSize);
      const at = (t: number, b: number) => (batchFirst ? b * steps + t : t * batchSize + b);
      for (let b = 0; b < batchSize; b++) {
        for (let j = 0; j < length; j++) {
          const symbol = 1 + random.nextInt(symbols);
          inputs[at(j, b)] = symbol;
          targets[at(length + delay + j, b)] = symbol;
        }
        inputs[at(length + delay - 1, b)] = symbols + 1;
      }
      const shape = batchFirst ? [batchSize, steps] : [steps, batchSize];
      return {
        epoch,
        index,
        resetState: true,
        inputs: tensor(inputs, { shape }),
        targets: tensor(targets, { shape }),
      };
    },
  });
}
