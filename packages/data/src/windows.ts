/**
 * Sliding windows over a series, for the `ar` model and for forecasting:
 * each example is τ consecutive values and the k values that follow them
 * (k = 1: the next value). Inputs are float32 [examples, τ], a flat feature
 * vector per example as the `ar` cell reads it (d2l §8.1); for a recurrent
 * cell reshape to [examples, τ, 1] and transpose to time-major. Targets are
 * float32 [examples, k].
 */
import { type Tensor, tensor } from "@recurrent/tensor";
import { check, checkInteger } from "./errors.js";

export interface WindowOptions {
  /** Inputs per example (the window length τ). */
  tau: number;
  /** Values to predict after each window (k). Default 1. */
  horizon?: number;
  /** Distance between the starts of consecutive windows. Default 1. */
  stride?: number;
}

export interface Windows {
  /** float32 [count, τ]: `inputs[i][j] = series[starts[i] + j]`. */
  readonly inputs: Tensor;
  /** float32 [count, k]: `targets[i][j] = series[starts[i] + τ + j]`. */
  readonly targets: Tensor;
  /** Where each window starts in the series. */
  readonly starts: Int32Array;
}

/** Check the options and return how many windows fit (at least one). */
export function countWindows(where: string, length: number, options: WindowOptions): number {
  const horizon = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  checkInteger(where, "tau", options.tau, 1);
  checkInteger(where, "horizon", horizon, 1);
  checkInteger(where, "stride", stride, 1);
  check(length > 0, "EMPTY_SOURCE", () => `${where}: expected a non-empty series, got 0 values`);
  const needed = options.tau + horizon;
  check(
    length >= needed,
    "TOO_SHORT",
    () =>
      `${where}: expected at least tau + horizon = ${options.tau} + ${horizon} = ${needed} values, got ${length}`,
  );
  return Math.floor((length - needed) / stride) + 1;
}

/**
 * Every window of a series, as two tensors.
 *
 * @example
 * const { inputs, targets } = slidingWindows([1, 2, 3, 4, 5], { tau: 3 });
 * inputs.toArray();  // [[1, 2, 3], [2, 3, 4]]
 * targets.toArray(); // [[4], [5]]
 */
export function slidingWindows(series: ArrayLike<number>, options: WindowOptions): Windows {
  const count = countWindows("slidingWindows", series.length, options);
  const stride = options.stride ?? 1;
  const starts = new Int32Array(count);
  for (let i = 0; i < count; i++) starts[i] = i * stride;
  return gatherWindows(series, starts, options);
}

/** The windows starting at `starts`, as tensors. */
export function gatherWindows(
  series: ArrayLike<number>,
  starts: Int32Array,
  options: WindowOptions,
): Windows {
  const { tau } = options;
  const horizon = options.horizon ?? 1;
  const inputs = new Float32Array(starts.length * tau);
  const targets = new Float32Array(starts.length * horizon);
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    for (let j = 0; j < tau; j++) inputs[i * tau + j] = series[start + j] as number;
    for (let j = 0; j < horizon; j++) targets[i * horizon + j] = series[start + tau + j] as number;
  }
  return {
    inputs: tensor(inputs, { shape: [starts.length, tau] }),
    targets: tensor(targets, { shape: [starts.length, horizon] }),
    starts,
  };
}
