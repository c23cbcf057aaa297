/**
 * Polynomial decay to zero over totalIters epochs: PyTorch 1.13's
 * PolynomialLR, in closed form and, inside `chainedLr`, in PyTorch's
 * recursive form.
 */
import { integerAtLeast, nonNegative, resolveOptions } from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface PolynomialLrOptions {
  /** Epochs from baseLr down to 0 (`total_iters`). Default 5. */
  totalIters?: number;
  /** The power of the decay (1 is linear). Default 1. */
  power?: number;
}

/**
 * lr = baseLr · (1 − min(epoch, totalIters) / totalIters)^power
 *
 * @example
 * const decay = polynomialLr({ totalIters: 100, power: 2 });
 */
export function polynomialLr(
  options: PolynomialLrOptions = {},
): ClosedFormSchedule<Required<PolynomialLrOptions>> {
  const o = resolveOptions<Required<PolynomialLrOptions>>(
    "polynomialLr",
    {
      totalIters: { default: 5, check: integerAtLeast(1) },
      power: { default: 1, check: nonNegative },
    },
    options,
  );
  const { totalIters: n, power } = o;
  return closedForm(
    "polynomialLr",
    o,
    (epoch, baseLr) => baseLr * (1 - Math.min(n, epoch) / n) ** power,
    {
      // PyTorch: the ratio of consecutive factors, ((1 − e/n) / (1 − (e−1)/n))^power.
      recurrence: (epoch, lr) => {
        if (epoch === 0 || epoch > n) return lr;
        return lr * ((1 - epoch / n) / (1 - (epoch - 1) / n)) ** power;
      },
    },
  );
}
