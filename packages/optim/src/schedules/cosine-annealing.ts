/**
 * Cosine annealing, PyTorch 1.13's CosineAnnealingLR in its closed form
 * (SGDR without restarts). Past tMax the cosine carries on, so the rate
 * climbs back to baseLr at 2·tMax, exactly as PyTorch's does.
 */
import { integerAtLeast, nonNegative, resolveOptions } from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface CosineAnnealingLrOptions {
  /** Epochs from baseLr down to etaMin (PyTorch's `T_max`). */
  tMax: number;
  /** The lowest learning rate (`eta_min`). Default 0. */
  etaMin?: number;
}

/**
 * lr = ηmin + (baseLr − ηmin) · (1 + cos(π · epoch / tMax)) / 2
 *
 * @example
 * const scheduler = new Scheduler(optimizer, cosineAnnealingLr({ tMax: 100 }));
 */
export function cosineAnnealingLr(
  options: CosineAnnealingLrOptions,
): ClosedFormSchedule<Required<CosineAnnealingLrOptions>> {
  const o = resolveOptions<Required<CosineAnnealingLrOptions>>(
    "cosineAnnealingLr",
    {
      tMax: { check: integerAtLeast(1) },
      etaMin: { default: 0, check: nonNegative },
    },
    options,
  );
  return closedForm(
    "cosineAnnealingLr",
    o,
    (epoch, baseLr) =>
      o.etaMin + ((baseLr - o.etaMin) * (1 + Math.cos((Math.PI * epoch) / o.tMax))) / 2,
  );
}
