/**
 * The three multiplicative decays: step, multi-step and exponential, as
 * PyTorch 1.13's StepLR, MultiStepLR and ExponentialLR in closed form
 * (`_get_closed_form_lr`), which is what their recursive `get_lr` computes
 * when nothing else touches the learning rate.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

const gamma = z.number().min(0).describe("multiplicative factor");

/**
 * Epochs, each an integer >= 1, in non-decreasing order (a repeated epoch
 * counts once per repeat, as PyTorch's Counter does): multi-step's and
 * sequential's milestones.
 */
export const milestonesSchema = z
  .array(z.number().int().min(1))
  .readonly()
  .refine((m) => m.every((v, i) => i === 0 || v >= (m[i - 1] as number)), {
    message: "must be in increasing order",
  });

/** Options of `stepLr`, declared once: the registry entry `step` parses the same schema. */
export const stepLrSchema = z.object({
  stepSize: z.number().int().min(1).describe("decay every stepSize epochs"),
  gamma: gamma.default(0.1),
});

/** Options of `stepLr`, as a user writes them (PyTorch's `step_size` is `stepSize`). */
export type StepLrOptions = z.input<typeof stepLrSchema>;
/** Options of `stepLr` with every default filled in. */
export type StepLrHyper = z.output<typeof stepLrSchema>;

/**
 * lr = baseLr · γ^⌊epoch / stepSize⌋
 *
 * @example
 * const scheduler = new Scheduler(optimizer, stepLr({ stepSize: 30, gamma: 0.1 }));
 */
export function stepLr(options: StepLrOptions): ClosedFormSchedule<StepLrHyper> {
  const o = parseOptions("stepLr", stepLrSchema, options);
  return closedForm(
    "stepLr",
    o,
    (epoch, baseLr) => baseLr * o.gamma ** Math.floor(epoch / o.stepSize),
    { recurrence: (epoch, lr) => (epoch > 0 && epoch % o.stepSize === 0 ? lr * o.gamma : lr) },
  );
}

/** Options of `multiStepLr`, declared once: the registry entry `multi-step` parses the same schema. */
export const multiStepLrSchema = z.object({
  milestones: milestonesSchema.describe("epochs at which to decay"),
  gamma: gamma.default(0.1),
});

/** Options of `multiStepLr`, as a user writes them. */
export type MultiStepLrOptions = z.input<typeof multiStepLrSchema>;
/** Options of `multiStepLr` with every default filled in. */
export type MultiStepLrHyper = z.output<typeof multiStepLrSchema>;

/**
 * lr = baseLr · γ^(number of milestones ≤ epoch)
 *
 * @example
 * const scheduler = new Scheduler(optimizer, multiStepLr({ milestones: [30, 80] }));
 */
export function multiStepLr(options: MultiStepLrOptions): ClosedFormSchedule<MultiStepLrHyper> {
  const o = parseOptions("multiStepLr", multiStepLrSchema, options);
  return closedForm(
    "multiStepLr",
    o,
    (epoch, baseLr) => baseLr * o.gamma ** bisectRight(o.milestones, epoch),
    {
      // PyTorch: lr · γ^(times epoch is a milestone), on the milestones only.
      recurrence: (epoch, lr) => {
        const times = o.milestones.filter((m) => m === epoch).length;
        return times === 0 ? lr : lr * o.gamma ** times;
      },
    },
  );
}

/** Options of `exponentialLr` (gamma required, as in PyTorch), declared once: the registry entry `exponential` parses the same schema. */
export const exponentialLrSchema = z.object({ gamma });

/** Options of `exponentialLr`, as a user writes them. */
export type ExponentialLrOptions = z.input<typeof exponentialLrSchema>;
/** Options of `exponentialLr` with every default filled in. */
export type ExponentialLrHyper = z.output<typeof exponentialLrSchema>;

/**
 * lr = baseLr · γ^epoch
 *
 * @example
 * const scheduler = new Scheduler(optimizer, exponentialLr({ gamma: 0.95 }));
 */
export function exponentialLr(
  options: ExponentialLrOptions,
): ClosedFormSchedule<ExponentialLrHyper> {
  const o = parseOptions("exponentialLr", exponentialLrSchema, options);
  return closedForm("exponentialLr", o, (epoch, baseLr) => baseLr * o.gamma ** epoch, {
    recurrence: (epoch, lr) => (epoch === 0 ? lr : lr * o.gamma),
  });
}

/** How many entries of the sorted `values` are <= x (Python's bisect_right). */
export function bisectRight(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < (values[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
