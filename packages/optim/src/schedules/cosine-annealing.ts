/**
 * Cosine annealing, PyTorch 1.13's CosineAnnealingLR in its closed form
 * (SGDR without restarts). Past tMax the cosine carries on, so the rate
 * climbs back to baseLr at 2·tMax, exactly as PyTorch's does. Inside
 * `chainedLr` it steps by PyTorch's recursive form instead (see below).
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/**
 * Options of `cosineAnnealingLr`, declared once: the registry entry
 * `cosine-annealing` parses the same schema. PyTorch's `T_max` is `tMax`,
 * `eta_min` is `etaMin`.
 */
export const cosineAnnealingLrSchema = z.object({
  tMax: z.number().int().min(1).describe("epochs from the base rate down to etaMin"),
  etaMin: z.number().min(0).default(0).describe("the lowest learning rate"),
});

/** Options of `cosineAnnealingLr`, as a user writes them. */
export type CosineAnnealingLrOptions = z.input<typeof cosineAnnealingLrSchema>;
/** Options of `cosineAnnealingLr` with every default filled in. */
export type CosineAnnealingLrHyper = z.output<typeof cosineAnnealingLrSchema>;

/**
 * lr = ηmin + (baseLr − ηmin) · (1 + cos(π · epoch / tMax)) / 2
 *
 * @example
 * const scheduler = new Scheduler(optimizer, cosineAnnealingLr({ tMax: 100 }));
 */
export function cosineAnnealingLr(
  options: CosineAnnealingLrOptions,
): ClosedFormSchedule<CosineAnnealingLrHyper> {
  const o = parseOptions("cosineAnnealingLr", cosineAnnealingLrSchema, options);
  const { tMax, etaMin } = o;
  return closedForm(
    "cosineAnnealingLr",
    o,
    (epoch, baseLr) => etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2,
    {
      // PyTorch's get_lr: the ratio of consecutive cosine factors applied to lr − ηmin, except
      // on the step after each minimum (epoch − 1 − tMax ≡ 0 mod 2·tMax), where that ratio is
      // 0/0 and the rate climbs by the restart term (baseLr − ηmin)(1 − cos(π/tMax))/2 instead,
      // a term not scaled by the current rate: why chained products of closed forms differ.
      recurrence: (epoch, lr, baseLr) => {
        if (epoch === 0) return lr;
        if ((epoch - 1 - tMax) % (2 * tMax) === 0)
          return lr + ((baseLr - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2;
        return (
          ((1 + Math.cos((Math.PI * epoch) / tMax)) /
            (1 + Math.cos((Math.PI * (epoch - 1)) / tMax))) *
            (lr - etaMin) +
          etaMin
        );
      },
    },
  );
}
