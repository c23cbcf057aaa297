/**
 * Training batches, whatever the source: the chunks of one long sequence
 * (sequential or random, for truncated BPTT) or padded batches of
 * independent sequences, behind one interface that keeps the stream's
 * declared state policy and its resumable position.
 */
import {
  type BatchPosition,
  type BatchStream,
  type ChunkBatch,
  DataError,
  randomBatches,
  type SequenceBatch,
  type StatePolicy,
  sequentialBatches,
} from "@recurrent/data";
import type { Tensor } from "@recurrent/tensor";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";

/** One training batch, whatever the source. */
export interface TrainBatch {
  /** int32 [time, batch] token ids, or float32 [time, batch, 1] values. */
  readonly inputs: Tensor;
  readonly targets: Tensor;
  /** float32 [time, batch], for padded sequences; null when every step counts. */
  readonly mask: Tensor | null;
  /** float32 [time, batch] weights of the loss alone (the model still reads every step); else `mask`. */
  readonly lossMask?: Tensor;
  readonly resetState: boolean;
  readonly epoch: number;
  readonly index: number;
  /** Targets that count (tokens or values). */
  readonly count: number;
}

/** The training batches, resumable by position, with the state policy they declare. */
export interface TrainStream {
  readonly statePolicy: StatePolicy;
  readonly position: BatchPosition;
  seek(position: BatchPosition): void;
  next(): TrainBatch;
}

/** Rethrow a data error (too short, empty) as the trainer's, saying which data. */
export function tooShort(where: string, error: unknown): never {
  if (error instanceof DataError) {
    throw new TrainerError("DATA", `${where}: ${error.message}`);
  }
  throw error;
}

/** Wrap a chunk stream (text, tokens, series) as training batches. */
export function chunkStream(stream: BatchStream<ChunkBatch>): TrainStream {
  return {
    statePolicy: stream.statePolicy,
    get position() {
      return stream.position;
    },
    seek: (position) => void stream.seek(position),
    next() {
      const batch = stream.nextBatch();
      return {
        inputs: batch.inputs,
        targets: batch.targets,
        mask: null,
        resetState: batch.resetState,
        epoch: batch.epoch,
        index: batch.index,
        count: batch.targets.size,
      };
    },
  };
}

export function sequenceStream(stream: BatchStream<SequenceBatch>): TrainStream {
  return {
    statePolicy: stream.statePolicy,
    get position() {
      return stream.position;
    },
    seek: (position) => void stream.seek(position),
    next() {
      const batch = stream.nextBatch();
      let count = 0;
      for (const length of batch.lengths) count += length;
      return {
        inputs: batch.inputs,
        targets: batch.targets,
        mask: batch.mask,
        resetState: true,
        epoch: batch.epoch,
        index: batch.index,
        count,
      };
    },
  };
}

export function chunks(
  source: Int32Array | Float64Array,
  config: TrainerConfig,
  what: string,
): TrainStream {
  const { batchSize, bptt, seed, batching } = config.train;
  const make = batching === "random" ? randomBatches : sequentialBatches;
  try {
    return chunkStream(make(source, { batchSize, numSteps: bptt, seed }));
  } catch (error) {
    tooShort(`data: the training split of ${what} (${source.length} items)`, error);
  }
}

/** Check that the stream's declared policy is the one the config asks for. */
export function enforcePolicy(stream: TrainStream, config: TrainerConfig, what: string): void {
  const wanted = config.train.statePolicy;
  if (wanted === "auto" || wanted === stream.statePolicy) return;
  throw new TrainerError(
    "CONFIG",
    `train.statePolicy: ${what} gives batches with state policy "${stream.statePolicy}", but the config asks for "${wanted}"; use "auto"`,
  );
}
