/**
 * Cosine annealing with warm restarts (SGDR): PyTorch 1.13's
 * CosineAnnealingWarmRestarts stepped once per epoch. The rate falls from
 * baseLr towards etaMin over t0 epochs, jumps back to baseLr, and the next
 * cycle lasts tMult times longer.
 */
import { integerAtLeast, nonNegative, resolveOptions } from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface CosineAnnealingWarmRestartsOptions {
  /** Epochs of the first cycle (`T_0`). */
  t0: number;
  /** Each cycle is tMult times the previous one (`T_mult`), an integer >= 1. Default 1. */
  tMult?: number;
  /** The lowest learning rate (`eta_min`). Default 0. */
  etaMin?: number;
}

/**
 * lr = ηmin + (baseLr − ηmin) · (1 + cos(π · tCur / tI)) / 2, where tCur
 * counts the epochs since the last restart and tI is the current cycle's
 * length (t0, t0·tMult, t0·tMult², …).
 *
 * @example
 * const sgdr = cosineAnnealingWarmRestarts({ t0: 10, tMult: 2 });
 */
export function cosineAnnealingWarmRestarts(
  options: CosineAnnealingWarmRestartsOptions,
): ClosedFormSchedule<Required<CosineAnnealingWarmRestartsOptions>> {
  const o = resolveOptions<Required<CosineAnnealingWarmRestartsOptions>>(
    "cosineAnnealingWarmRestarts",
    {
      t0: { check: integerAtLeast(1) },
      tMult: { default: 1, check: integerAtLeast(1) },
      etaMin: { default: 0, check: nonNegative },
    },
    options,
  );
  const { t0, tMult, etaMin } = o;
  /** (tCur, tI) at `epoch`, by PyTorch's integer bookkeeping (no logarithms, so no rounding). */
  const position = (epoch: number) => {
    if (tMult === 1) return { tCur: epoch % t0, tI: t0 };
    let tCur = epoch;
    let tI = t0;
    while (tCur >= tI) {
      tCur -= tI;
      tI *= tMult;
    }
    return { tCur, tI };
  };
  const lrAt = (epoch: number, baseLr: number) => {
    const { tCur, tI } = position(epoch);
    return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  };
  // PyTorch's get_lr reads base_lrs only, so inside a chain it overwrites the rate.
  return closedForm("cosineAnnealingWarmRestarts", o, lrAt, {
    recurrence: (epoch, _lr, baseLr) => lrAt(epoch, baseLr),
  });
}
