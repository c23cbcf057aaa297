/**
 * Minibatches of sliding windows. Windows are independent examples, so they
 * are shuffled each epoch (under the seed) and the state policy is "reset".
 */
import { type BatchInfo, type BatchStream, createBatchStream } from "./batch-stream.js";
import { check, checkInteger } from "./errors.js";
import { generatorFor } from "./seed.js";
import { countWindows, gatherWindows, type WindowOptions, type Windows } from "./windows.js";

export interface WindowBatchOptions extends WindowOptions {
  batchSize: number;
  /** Shuffle the windows every epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle. Default 0. */
  seed?: number;
  /** Drop a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
}

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
  const count = countWindows(where, series.length, options);
  const { batchSize } = options;
  checkInteger(where, "batchSize", batchSize, 1);
  const stride = options.stride ?? 1;
  const seed = options.seed ?? 0;
  const batches = options.dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
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
    if (options.shuffle !== false) generatorFor(seed, epoch).shuffleInPlace(order);
    cached = { epoch, order };
    return order;
  };

  return createBatchStream({
    name: where,
    statePolicy: "reset",
    batchesInEpoch: () => batches,
    build(epoch, index) {
      const starts = orderOf(epoch).slice(index * batchSize, (index + 1) * batchSize);
      return { epoch, index, resetState: true, ...gatherWindows(series, starts, options) };
    },
  });
}
