/**
 * Minibatches over a list of independent sequences (names, sentences) for
 * language modelling: shuffled each epoch under the seed, optionally bucketed
 * by length so a batch wastes little on padding, then padded and masked.
 * Sequences are independent, so the state policy is "reset".
 */
import { z } from "@recurrent/registry";
import { type BatchInfo, type BatchStream, createBatchStream } from "./batch-stream.js";
import { check } from "./errors.js";
import { parseOptions } from "./options.js";
import { checkFramed, framedBatch, type LanguageModelBatch, padSchema } from "./padding.js";
import { generatorFor, seedOption } from "./seed.js";

/** Options of `sequenceBatches`, declared once: the padding's and the batches'. */
export const sequenceBatchSchema = padSchema.extend({
  batchSize: z.number().int().min(1).describe("sequences per batch"),
  shuffle: z.boolean().default(true).describe("shuffle every epoch"),
  seed: seedOption,
  bucketSize: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe(
      "bucket by length: after shuffling, sort each run of bucketSize batches by length and cut it into batches, so similar lengths share a batch (the order of the batches is shuffled again); 1: no bucketing",
    ),
  dropLast: z.boolean().default(false).describe("drop a last batch smaller than batchSize"),
});

export type SequenceBatchOptions = z.input<typeof sequenceBatchSchema>;

export interface SequenceBatch extends BatchInfo, LanguageModelBatch {
  /** Which sequences (indices into the list) the batch holds, in batch order. */
  readonly indices: Int32Array;
}

/**
 * Padded language-model batches over a list of id sequences, framed already
 * (e.g. `tokenizer.encode(name, { bos: true, eos: true })`).
 *
 * @example
 * const names = ["ada", "alan", "grace"];
 * const tok = fitCharTokenizer(names);
 * const framed = names.map((n) => tok.encode(n, { bos: true, eos: true }));
 * const batch = sequenceBatches(framed, { batchSize: 2, seed: 1 }).nextBatch();
 * batch.inputs.shape; // [time, 2]; batch.mask marks the real steps
 */
export function sequenceBatches(
  sequences: readonly ArrayLike<number>[],
  options: SequenceBatchOptions,
): BatchStream<SequenceBatch> {
  const where = "sequenceBatches";
  const settings = parseOptions(where, sequenceBatchSchema, options);
  const { batchSize, bucketSize, shuffle, seed, dropLast } = settings;
  checkFramed(where, sequences);
  const count = sequences.length;
  const batches = dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
  check(
    batches >= 1,
    "TOO_SHORT",
    () =>
      `${where}: expected at least batchSize = ${batchSize} sequences with dropLast, got ${count}`,
  );

  let cached: { epoch: number; plan: Int32Array[] } | undefined;
  const planOf = (epoch: number): Int32Array[] => {
    if (cached?.epoch === epoch) return cached.plan;
    const random = generatorFor(seed, epoch);
    const order = Int32Array.from({ length: count }, (_, i) => i);
    if (shuffle) random.shuffleInPlace(order);
    const plan: Int32Array[] = [];
    const span = batchSize * bucketSize;
    for (let from = 0; from < count; from += span) {
      const bucket = order.slice(from, Math.min(count, from + span));
      if (bucketSize > 1) bucket.sort((a, b) => lengthOf(a) - lengthOf(b) || a - b);
      for (let at = 0; at < bucket.length; at += batchSize) {
        const batch = bucket.slice(at, at + batchSize);
        if (batch.length === batchSize || !dropLast) plan.push(batch);
      }
    }
    if (bucketSize > 1 && shuffle) random.shuffleInPlace(plan);
    cached = { epoch, plan };
    return cached.plan;
  };
  const lengthOf = (i: number) => (sequences[i] as ArrayLike<number>).length;

  return createBatchStream({
    name: where,
    statePolicy: "reset",
    batchesInEpoch: () => batches,
    build(epoch, index) {
      const indices = planOf(epoch)[index] as Int32Array;
      const batch = framedBatch(
        Array.from(indices, (i) => sequences[i] as ArrayLike<number>),
        settings,
      );
      return { epoch, index, resetState: true, ...batch, indices };
    },
  });
}
