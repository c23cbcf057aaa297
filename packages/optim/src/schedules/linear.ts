/**
 * Linear warm-up (or linear decay): PyTorch 1.13's LinearLR in closed form.
 * The usual start of a run: a few epochs from a fraction of the rate up to
 * all of it, often followed by cosine annealing through `sequentialLr`.
 */
import { integerAtLeast, resolveOptions, unitClosed } from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface LinearLrOptions {
  /** Factor at epoch 0, in [0, 1] (`start_factor`). Default 1/3. */
  startFactor?: number;
  /** Factor from `totalIters` on, in [0, 1] (`end_factor`). Default 1. */
  endFactor?: number;
  /** Epochs to go from startFactor to endFactor (`total_iters`). Default 5. */
  totalIters?: number;
}

/**
 * lr = baseLr · (s + (e − s) · min(epoch, totalIters) / totalIters)
 *
 * @example
 * const warmup = linearLr({ startFactor: 0.1, totalIters: 5 });
 */
export function linearLr(
  options: LinearLrOptions = {},
): ClosedFormSchedule<Required<LinearLrOptions>> {
  const o = resolveOptions<Required<LinearLrOptions>>(
    "linearLr",
    {
      startFactor: { default: 1 / 3, check: unitClosed },
      endFactor: { default: 1, check: unitClosed },
      totalIters: { default: 5, check: integerAtLeast(1) },
    },
    options,
  );
  const { startFactor: s, endFactor: e, totalIters: n } = o;
  return closedForm(
    "linearLr",
    o,
    (epoch, baseLr) => baseLr * (s + ((e - s) * Math.min(n, epoch)) / n),
    {
      // PyTorch: ×s at epoch 0, then the ratio of consecutive factors until totalIters.
      recurrence: (epoch, lr) => {
        if (epoch === 0) return lr * s;
        if (epoch > n) return lr;
        return lr * (1 + (e - s) / (n * s + (epoch - 1) * (e - s)));
      },
    },
  );
}
