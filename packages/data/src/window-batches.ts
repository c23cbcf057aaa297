/**
 * Minibatches of sliding windows. Windows are independent examples, so they
 * are shuffled each epoch (under the seed) and the state policy is "reset".
 */
import { z } from "@recurrent/registry";
import { type BatchInfo, type BatchStream, createBatchStream } from "./batch-stream.js";
import { check } from "./errors.js";
import { parseOptions } from "./options.js";
import { generatorFor, seedOption } from "./seed.js";
import { countWindows, gatherWindows, type Windows, windowSchema } from "./windows.js";

/** Options of `windowBatches`, declared once: the windows' and the batches'. */
export const windowBatchSchema = windowSchema.extend({
  batchSize: z.number().int().min(1).describe("windows per batch"),
  shuffle: z.boolean().default(true).describe("shuffle the windows every epoch"),
  seed: seedOption,
  dropLast: z.boolean().default(false).describe("drop a last batch smaller than batchSize"),
});

export type WindowBatchOptions = z.input<typeof windowBatchSchema>;

export interface WindowBatch extends BatchInfo, Windows {}

/**
 * Shuffled minibatches of windows: inputs float32 [batch, τ], targets float32 [batch, k].
 *
 * @example
 * const stream = windowBatches(noisySine({ seed: 1 }), { tau: 4, batchSize: 16, seed: 1 });
 * const { inputs, targets } = stream.nextBatch(); // [16, 4] and [16, 1]
 */
export function windowBatches(
  series: ArrayLike<number>,
  options: WindowBatchOptions,
): BatchStream<WindowBatch> {
  const where = "windowBatches";
  const settings = parseOptions(where, windowBatchSchema, options);
  const { batchSize, stride, shuffle, seed, dropLast } = settings;
  const count = countWindows(where, series.length, settings);
  const batches = dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
  check(
    batches >= 1,
    "TOO_SHORT",
    () =>
      `${where}: expected at least batchSize = ${batchSize} windows with dropLast, got ${count} (from ${series.length} values)`,
  );

  let cached: { epoch: number; order: Int32Array } | undefined;
  const orderOf = (epoch: number): Int32Array => {
    if (cached?.epoch === epoch) return cached.order;
    const order = new Int32Array(count);
    for (let i = 0; i < count; i++) order[i] = i * stride;
    if (shuffle) generatorFor(seed, epoch).shuffleInPlace(order);
    cached = { epoch, order };
    return order;
  };

  return createBatchStream({
    name: where,
    statePolicy: "reset",
    batchesInEpoch: () => batches,
    build(epoch, index) {
      const starts = orderOf(epoch).slice(index * batchSize, (index + 1) * batchSize);
      return { epoch, index, resetState: true, ...gatherWindows(series, starts, settings) };
    },
  });
}
