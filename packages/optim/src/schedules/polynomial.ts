/**
 * Polynomial decay to zero over totalIters epochs: PyTorch 1.13's
 * PolynomialLR, in closed form and, inside `chainedLr`, in PyTorch's
 * recursive form.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/** Options of `polynomialLr`, declared once: the registry entry `polynomial` parses the same schema. */
export const polynomialLrSchema = z.object({
  totalIters: z.number().int().min(1).default(5).describe("epochs from the base rate down to 0"),
  power: z.number().min(0).default(1).describe("power of the decay (1 is linear)"),
});

/** Options of `polynomialLr`, as a user writes them. */
export type PolynomialLrOptions = z.input<typeof polynomialLrSchema>;
/** Options of `polynomialLr` with every default filled in. */
export type PolynomialLrHyper = z.output<typeof polynomialLrSchema>;

/**
 * lr = baseLr · (1 − min(epoch, totalIters) / totalIters)^power
 *
 * @example
 * const decay = polynomialLr({ totalIters: 100, power: 2 });
 */
export function polynomialLr(
  options: PolynomialLrOptions = {},
): ClosedFormSchedule<PolynomialLrHyper> {
  const o = parseOptions("polynomialLr", polynomialLrSchema, options);
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
