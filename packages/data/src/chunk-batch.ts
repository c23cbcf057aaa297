/**
 * The batch both truncated-BPTT partitions hand out: `numSteps` consecutive
 * items from each of `batchSize` places in one long sequence, and the same
 * items shifted by one as targets. Token ids (Int32Array) become int32
 * [time, batch]; values (Float32Array, Float64Array) become float32
 * [time, batch, 1], the runner's [time, batch, features]. `batchFirst`
 * puts the batch axis first.
 */
import { type Tensor, tensor } from "@recurrent/tensor";
import type { BatchInfo } from "./batch-stream.js";
import { check } from "./errors.js";

/** A long sequence to cut: token ids, or the values of a series. */
export type SequenceSource = Int32Array | Float32Array | Float64Array;

export interface ChunkBatch extends BatchInfo {
  /** int32 [time, batch] for tokens, float32 [time, batch, 1] for values ([batch, time(, 1)] with `batchFirst`). */
  readonly inputs: Tensor;
  /** The inputs shifted one step ahead: `targets[t] = source[start + t + 1]`. Same shape and dtype. */
  readonly targets: Tensor;
  /** Where in the source each row's first input sits, [batch]. */
  readonly starts: Int32Array;
}

export interface ChunkLayout {
  readonly numSteps: number;
  readonly batchFirst: boolean;
}

/** Copy the chunks starting at `starts` (and their shifted targets) into tensors. */
export function buildChunkBatch(
  source: SequenceSource,
  starts: Int32Array,
  layout: ChunkLayout,
  info: BatchInfo,
): ChunkBatch {
  const steps = layout.numSteps;
  const rows = starts.length;
  const isTokens = source instanceof Int32Array;
  const inputs = isTokens ? new Int32Array(steps * rows) : new Float32Array(steps * rows);
  const targets = isTokens ? new Int32Array(steps * rows) : new Float32Array(steps * rows);
  for (let b = 0; b < rows; b++) {
    const start = starts[b] as number;
    for (let t = 0; t < steps; t++) {
      const at = layout.batchFirst ? b * steps + t : t * rows + b;
      inputs[at] = source[start + t] as number;
      targets[at] = source[start + t + 1] as number;
    }
  }
  const shape = layout.batchFirst ? [rows, steps] : [steps, rows];
  if (!isTokens) shape.push(1);
  return {
    ...info,
    inputs: tensor(inputs, { shape }),
    targets: tensor(targets, { shape }),
    starts,
  };
}

export interface PartitionOptions {
  /** Rows per batch. */
  batchSize: number;
  /** Time steps per batch (the truncation length of BPTT). */
  numSteps: number;
  /** Seed of the per-epoch random offset (and, for random partitioning, the shuffle). Default 0. */
  seed?: number;
  /** Start each epoch at a random offset in 0..numSteps-1 (d2l), so chunk borders move between epochs. Default true. */
  randomOffset?: boolean;
  /** [batch, time] instead of [time, batch]. Default false. */
  batchFirst?: boolean;
}

/** The checks both partitions share; returns the largest offset an epoch may start at. */
export function checkPartition(
  where: string,
  source: SequenceSource,
  options: PartitionOptions,
): number {
  const { batchSize, numSteps } = options;
  check(
    Number.isInteger(batchSize) && batchSize >= 1,
    "INVALID_ARGUMENT",
    () => `${where}: batchSize must be an integer >= 1, got ${batchSize}`,
  );
  check(
    Number.isInteger(numSteps) && numSteps >= 1,
    "INVALID_ARGUMENT",
    () => `${where}: numSteps must be an integer >= 1, got ${numSteps}`,
  );
  check(
    source.length > 0,
    "EMPTY_SOURCE",
    () => `${where}: expected a non-empty sequence, got 0 items`,
  );
  const needed = batchSize * numSteps + 1;
  check(
    source.length >= needed,
    "TOO_SHORT",
    () =>
      `${where}: expected at least batchSize × numSteps + 1 = ${batchSize} × ${numSteps} + 1 = ${needed} items, got ${source.length}; lower batchSize or numSteps`,
  );
  return options.randomOffset === false ? 0 : Math.min(numSteps - 1, source.length - needed);
}
