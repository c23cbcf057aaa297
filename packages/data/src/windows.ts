/**
 * Sliding windows over a series, for the `ar` model and for forecasting:
 * each example is τ consecutive values and the k values that follow them
 * (k = 1: the next value). Inputs are float32 [examples, τ], a flat feature
 * vector per example as the `ar` cell reads it (d2l §8.1); for a recurrent
 * cell reshape to [examples, τ, 1] and transpose to time-major. Targets are
 * float32 [examples, k].
 */
import { z } from "@recurrent/registry";
import { type Tensor, tensor } from "@recurrent/tensor";
import { check } from "./errors.js";
import { parseOptions } from "./options.js";

/** Options of `slidingWindows`, declared once; `windowBatches` extends them. */
export const windowSchema = z.object({
  tau: z.number().int().min(1).describe("inputs per example (the window length τ)"),
  horizon: z.number().int().min(1).default(1).describe("values to predict after each window (k)"),
  stride: z
    .number()
    .int()
    .min(1)
    .default(1)
    .describe("distance between the starts of consecutive windows"),
});

export type WindowOptions = z.input<typeof windowSchema>;
type WindowSettings = z.output<typeof windowSchema>;

export interface Windows {
  /** float32 [count, τ]: `inputs[i][j] = series[starts[i] + j]`. */
  readonly inputs: Tensor;
  /** float32 [count, k]: `targets[i][j] = series[starts[i] + τ + j]`. */
  readonly targets: Tensor;
  /** Where each window starts in the series. */
  readonly starts: Int32Array;
}

/** How many windows fit in a series of `length` values (at least one, or an error). */
export function countWindows(where: string, length: number, options: WindowSettings): number {
  const { tau, horizon, stride } = options;
  check(length > 0, "EMPTY_SOURCE", () => `${where}: expected a non-empty series, got 0 values`);
  const needed = tau + horizon;
  check(
    length >= needed,
    "TOO_SHORT",
    () =>
      `${where}: expected at least tau + horizon = ${tau} + ${horizon} = ${needed} values, got ${length}`,
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
  const settings = parseOptions("slidingWindows", windowSchema, options);
  const count = countWindows("slidingWindows", series.length, settings);
  const starts = new Int32Array(count);
  for (let i = 0; i < count; i++) starts[i] = i * settings.stride;
  return gatherWindows(series, starts, settings);
}

/** The windows starting at `starts`, as tensors. */
export function gatherWindows(
  series: ArrayLike<number>,
  starts: Int32Array,
  { tau, horizon }: WindowSettings,
): Windows {
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
