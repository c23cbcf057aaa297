/**
 * A constant factor for the first epochs, then the full rate: PyTorch
 * 1.13's ConstantLR (a crude warm-up), in closed form and, inside
 * `chainedLr`, in PyTorch's recursive form.
 */
import { integerAtLeast, resolveOptions, unitClosed } from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface ConstantLrOptions {
  /** The factor until totalIters, in [0, 1]. Default 1/3. */
  factor?: number;
  /** Epochs at the reduced rate (`total_iters`). Default 5. */
  totalIters?: number;
}

/**
 * lr = baseLr · factor before totalIters, baseLr from then on.
 *
 * @example
 * const warmup = constantLr({ factor: 0.5, totalIters: 4 });
 */
export function constantLr(
  options: ConstantLrOptions = {},
): ClosedFormSchedule<Required<ConstantLrOptions>> {
  const o = resolveOptions<Required<ConstantLrOptions>>(
    "constantLr",
    {
      factor: { default: 1 / 3, check: unitClosed },
      totalIters: { default: 5, check: integerAtLeast(1) },
    },
    options,
  );
  const { factor, totalIters } = o;
  return closedForm(
    "constantLr",
    o,
    (epoch, baseLr) => baseLr * (epoch >= totalIters ? 1 : factor),
    {
      // PyTorch: ×factor at epoch 0, ÷factor at totalIters, unchanged otherwise.
      recurrence: (epoch, lr) => {
        if (epoch === 0) return lr * factor;
        return epoch === totalIters ? lr * (1 / factor) : lr;
      },
    },
  );
}
