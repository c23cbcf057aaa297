/**
 * A constant factor for the first epochs, then the full rate: PyTorch
 * 1.13's ConstantLR (a crude warm-up), in closed form and, inside
 * `chainedLr`, in PyTorch's recursive form.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/** Options of `constantLr`, declared once: the registry entry `constant` parses the same schema. */
export const constantLrSchema = z.object({
  factor: z
    .number()
    .min(0)
    .max(1)
    .default(1 / 3)
    .describe("factor until totalIters"),
  totalIters: z.number().int().min(1).default(5).describe("epochs at the reduced rate"),
});

/** Options of `constantLr`, as a user writes them. */
export type ConstantLrOptions = z.input<typeof constantLrSchema>;
/** Options of `constantLr` with every default filled in. */
export type ConstantLrHyper = z.output<typeof constantLrSchema>;

/**
 * lr = baseLr · factor before totalIters, baseLr from then on.
 *
 * @example
 * const warmup = constantLr({ factor: 0.5, totalIters: 4 });
 */
export function constantLr(options: ConstantLrOptions = {}): ClosedFormSchedule<ConstantLrHyper> {
  const o = parseOptions("constantLr", constantLrSchema, options);
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
