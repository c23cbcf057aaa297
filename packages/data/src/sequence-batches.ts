/**
 * Minibatches over a list of independent sequences (names, sentences) for
 * language modelling: shuffled each epoch under the seed, optionally bucketed
 * by length so a batch wastes little on padding, then padded and masked.
 * Sequences are independent, so the state policy is "reset".
 */
import { type BatchInfo, type BatchStream, createBatchStream } from "./batch-stream.js";
import { check, checkInteger } from "./errors.js";
import { type LanguageModelBatch, languageModelBatch, type PadOptions } from "./padding.js";
import { generatorFor } from "./seed.js";

export interface SequenceBatchOptions extends PadOptions {
  batchSize: number;
  /** Shuffle every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /**
   * Bucket by length: after shuffling, sort each run of `bucketSize` batches
   * by length and cut it into batches, so similar lengths share a batch (the
   * order of the batches is shuffled again). Default 1: no bucketing.
   */
  bucketSize?: number;
  /** Drop a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
}

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
  const { batchSize } = options;
  checkInteger(where, "batchSize", batchSize, 1);
  const bucketSize = options.bucketSize ?? 1;
  checkInteger(where, "bucketSize", bucketSize, 1);
  check(
    sequences.length > 0,
    "EMPTY_SOURCE",
    () => `${where}: expected at least one sequence, got none`,
  );
  sequences.forEach((sequence, i) => {
    check(
      sequence.length >= 2,
      "TOO_SHORT",
      () =>
        `${where}: expected every sequence to have at least 2 tokens (an input and its target), got ${sequence.length} in sequence ${i}; frame sequences with <bos> and <eos>`,
    );
  });
  const count = sequences.length;
  const batches = options.dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
  check(
    batches >= 1,
    "TOO_SHORT",
    () =>
      `${where}: expected at least batchSize = ${batchSize} sequences with dropLast, got ${count}`,
  );
  const seed = options.seed ?? 0;
  const padOptions: PadOptions = {};
  if (options.padId !== undefined) padOptions.padId = options.padId;
  if (options.batchFirst !== undefined) padOptions.batchFirst = options.batchFirst;
  if (options.maxLength !== undefined) padOptions.maxLength = options.maxLength;

  let cached: { epoch: number; plan: Int32Array[] } | undefined;
  const planOf = (epoch: number): Int32Array[] => {
    if (cached?.epoch === epoch) return cached.plan;
    const random = generatorFor(seed, epoch);
    const order = Int32Array.from({ length: count }, (_, i) => i);
    if (options.shuffle !== false) random.shuffleInPlace(order);
    const plan: Int32Array[] = [];
    const span = batchSize * bucketSize;
    for (let from = 0; from < count; from += span) {
      const bucket = order.slice(from, Math.min(count, from + span));
      if (bucketSize > 1) bucket.sort((a, b) => lengthOf(a) - lengthOf(b) || a - b);
      for (let at = 0; at < bucket.length; at += batchSize) {
        const batch = bucket.slice(at, at + batchSize);
        if (batch.length === batchSize || !options.dropLast) plan.push(batch);
      }
    }
    if (bucketSize > 1 && options.shuffle !== false) random.shuffleInPlace(plan);
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
      const batch = languageModelBatch(
        Array.from(indices, (i) => sequences[i] as ArrayLike<number>),
        padOptions,
      );
      return { epoch, index, resetState: true, ...batch, indices };
    },
  });
}
