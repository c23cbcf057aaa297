/**
 * The batch both truncated-BPTT partitions hand out: `numSteps` consecutive
 * items from each of `batchSize` places in one long sequence, and the same
 * items shifted by one as targets. Token ids (Int32Array) become int32
 * [time, batch]; values (Float32Array, Float64Array) become float32
 * [time, batch, 1], the runner's [time, batch, features]. `batchFirst`
 * puts the batch axis first.
 */
import { z } from "@recurrent/registry";
import { type Tensor, tensor } from "@recurrent/tensor";
import type { BatchInfo } from "./batch-stream.js";
import { check } from "./errors.js";
import { parseOptions } from "./options.js";
import { seedOption } from "./seed.js";

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

/** Options of both partitions (`sequentialBatches`, `randomBatches`), declared once. */
export const partitionSchema = z.object({
  batchSize: z.number().int().min(1).describe("rows per batch"),
  numSteps: z
    .number()
    .int()
    .min(1)
    .describe("time steps per batch (the truncation length of BPTT)"),
  seed: seedOption,
  randomOffset: z
    .boolean()
    .default(true)
    .describe(
      "start each epoch at a random offset in 0..numSteps-1 (d2l), so chunk borders move between epochs",
    ),
  batchFirst: z.boolean().default(false).describe("[batch, time] instead of [time, batch]"),
});

export type PartitionOptions = z.input<typeof partitionSchema>;

/**
 * The options and checks both partitions share, with the largest offset an
 * epoch may start at.
 */
export function planPartition(
  where: string,
  source: SequenceSource,
  options: PartitionOptions,
): z.output<typeof partitionSchema> & { readonly maxOffset: number } {
  const settings = parseOptions(where, partitionSchema, options);
  const { batchSize, numSteps } = settings;
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
  const maxOffset = settings.randomOffset ? Math.min(numSteps - 1, source.length - needed) : 0;
  return { ...settings, maxOffset };
}
