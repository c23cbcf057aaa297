/**
 * Linear warm-up (or linear decay): PyTorch 1.13's LinearLR in closed form.
 * The usual start of a run: a few epochs from a fraction of the rate up to
 * all of it, often followed by cosine annealing through `sequentialLr`.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/**
 * Options of `linearLr`, declared once: the registry entry `linear` parses the
 * same schema. PyTorch's names in camelCase (`start_factor` → `startFactor`).
 */
export const linearLrSchema = z.object({
  startFactor: z
    .number()
    .min(0)
    .max(1)
    .default(1 / 3)
    .describe("factor at epoch 0"),
  endFactor: z.number().min(0).max(1).default(1).describe("factor from totalIters on"),
  totalIters: z.number().int().min(1).default(5).describe("epochs from startFactor to endFactor"),
});

/** Options of `linearLr`, as a user writes them. */
export type LinearLrOptions = z.input<typeof linearLrSchema>;
/** Options of `linearLr` with every default filled in. */
export type LinearLrHyper = z.output<typeof linearLrSchema>;

/**
 * lr = baseLr · (s + (e − s) · min(epoch, totalIters) / totalIters)
 *
 * @example
 * const warmup = linearLr({ startFactor: 0.1, totalIters: 5 });
 */
export function linearLr(options: LinearLrOptions = {}): ClosedFormSchedule<LinearLrHyper> {
  const o = parseOptions("linearLr", linearLrSchema, options);
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
