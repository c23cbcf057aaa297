/**
 * Cosine annealing with warm restarts (SGDR): PyTorch 1.13's
 * CosineAnnealingWarmRestarts stepped once per epoch. The rate falls from
 * baseLr towards etaMin over t0 epochs, jumps back to baseLr, and the next
 * cycle lasts tMult times longer.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/**
 * Options of `cosineAnnealingWarmRestarts`, declared once: the registry entry
 * `cosine-warm-restarts` parses the same schema. PyTorch's `T_0`, `T_mult`
 * and `eta_min` are `t0`, `tMult` and `etaMin`.
 */
export const cosineAnnealingWarmRestartsSchema = z.object({
  t0: z.number().int().min(1).describe("epochs of the first cycle"),
  tMult: z.number().int().min(1).default(1).describe("each cycle is tMult times the previous"),
  etaMin: z.number().min(0).default(0).describe("the lowest learning rate"),
});

/** Options of `cosineAnnealingWarmRestarts`, as a user writes them. */
export type CosineAnnealingWarmRestartsOptions = z.input<typeof cosineAnnealingWarmRestartsSchema>;
/** Options of `cosineAnnealingWarmRestarts` with every default filled in. */
export type CosineAnnealingWarmRestartsHyper = z.output<typeof cosineAnnealingWarmRestartsSchema>;

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
): ClosedFormSchedule<CosineAnnealingWarmRestartsHyper> {
  const o = parseOptions("cosineAnnealingWarmRestarts", cosineAnnealingWarmRestartsSchema, options);
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
