/**
 * Cyclical learning rates (Smith, 2017): PyTorch 1.13's CyclicLR, stepped
 * once per batch. The rate rises from baseLr to maxLr over stepSizeUp steps
 * and falls back over stepSizeDown; the momentum, when cycled, moves the
 * other way between maxMomentum and baseMomentum. The schedule sets the
 * rate itself from its own baseLr, whatever the optimizer's lr was.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { cycleMomentumShape } from "./momentum.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/**
 * Options of `cyclicLr`, declared once: the registry entry `cyclic` parses
 * the same schema. PyTorch's `base_lr`, `max_lr`, `step_size_up` … in
 * camelCase.
 */
export const cyclicLrSchema = z
  .object({
    baseLr: z.number().min(0).describe("lower bound of the rate (and the rate at step 0)"),
    maxLr: z.number().min(0).describe("upper bound of the rate"),
    stepSizeUp: z.number().int().min(1).default(2000).describe("steps from baseLr up to maxLr"),
    stepSizeDown: z
      .number()
      .int()
      .min(1)
      .nullable()
      .default(null)
      .describe("steps from maxLr down to baseLr (stepSizeUp when null)"),
    mode: z
      .enum(["triangular", "triangular2", "exp_range"])
      .default("triangular")
      .describe("amplitude: constant, halved each cycle, or × gamma^step"),
    gamma: z.number().positive().default(1).describe("base of exp_range's scaling"),
    ...cycleMomentumShape(0.8, 0.9),
  })
  .superRefine((c, ctx) => {
    if (c.cycleMomentum && c.baseMomentum > c.maxMomentum) {
      ctx.addIssue({
        code: "custom",
        path: ["baseMomentum"],
        message: `must be <= maxMomentum (${c.maxMomentum})`,
        params: {
          plain: `baseMomentum must be <= maxMomentum, got ${c.baseMomentum} and ${c.maxMomentum}`,
        },
      });
    }
  });

/** Options of `cyclicLr`, as a user writes them. */
export type CyclicLrOptions = z.input<typeof cyclicLrSchema>;
/** Options of `cyclicLr` with every default filled in. */
export type CyclicLrHyper = z.output<typeof cyclicLrSchema>;

/**
 * With c = ⌊1 + epoch / (up + down)⌋ the cycle and x = 1 + epoch/(up + down) − c
 * the position in it, the height h = x/r while rising (r = up / (up + down)),
 * (x − 1)/(r − 1) while falling:
 *
 *   lr = baseLr + (maxLr − baseLr) · h · scale,   momentum = maxM − (maxM − baseM) · h · scale
 *
 * with scale 1 (triangular), 1/2^(c−1) (triangular2) or γ^epoch (exp_range).
 *
 * @example
 * const clr = cyclicLr({ baseLr: 1e-4, maxLr: 1e-2, stepSizeUp: 500, cycleMomentum: false });
 */
export function cyclicLr(options: CyclicLrOptions): ClosedFormSchedule<CyclicLrHyper> {
  const name = "cyclicLr";
  const o = parseOptions(name, cyclicLrSchema, options);
  const up = o.stepSizeUp;
  const total = up + (o.stepSizeDown ?? up);
  const ratio = up / total;
  const scaled = (epoch: number) => {
    const cycle = Math.floor(1 + epoch / total);
    const x = 1 + epoch / total - cycle;
    const height = x <= ratio ? x / ratio : (x - 1) / (ratio - 1);
    const scale =
      o.mode === "triangular"
        ? 1
        : o.mode === "triangular2"
          ? 1 / 2 ** (cycle - 1)
          : o.gamma ** epoch;
    return height * scale;
  };
  const lrAt = (epoch: number) => o.baseLr + (o.maxLr - o.baseLr) * scaled(epoch);
  return closedForm(name, o, lrAt, {
    // PyTorch's get_lr reads its own bounds only, so inside a chain it overwrites the rate.
    recurrence: (epoch) => lrAt(epoch),
    ...(o.cycleMomentum
      ? {
          momentumAt: (epoch: number) =>
            o.maxMomentum - (o.maxMomentum - o.baseMomentum) * scaled(epoch),
        }
      : {}),
  });
}
