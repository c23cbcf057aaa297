/**
 * The three multiplicative decays: step, multi-step and exponential, as
 * PyTorch 1.13's StepLR, MultiStepLR and ExponentialLR in closed form
 * (`_get_closed_form_lr`), which is what their recursive `get_lr` computes
 * when nothing else touches the learning rate.
 */
import { integerAtLeast, milestones, nonNegative, resolveOptions } from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface StepLrOptions {
  /** Decay every `stepSize` epochs (PyTorch's `step_size`). */
  stepSize: number;
  /** Multiplicative factor. Default 0.1. */
  gamma?: number;
}

/**
 * lr = baseLr · γ^⌊epoch / stepSize⌋
 *
 * @example
 * const scheduler = new Scheduler(optimizer, stepLr({ stepSize: 30, gamma: 0.1 }));
 */
export function stepLr(options: StepLrOptions): ClosedFormSchedule<Required<StepLrOptions>> {
  const o = resolveOptions<Required<StepLrOptions>>(
    "stepLr",
    {
      stepSize: { check: integerAtLeast(1) },
      gamma: { default: 0.1, check: nonNegative },
    },
    options,
  );
  return closedForm(
    "stepLr",
    o,
    (epoch, baseLr) => baseLr * o.gamma ** Math.floor(epoch / o.stepSize),
    { recurrence: (epoch, lr) => (epoch > 0 && epoch % o.stepSize === 0 ? lr * o.gamma : lr) },
  );
}

export interface MultiStepLrOptions {
  /** Epochs at which to decay, in increasing order; a repeated epoch decays once per repeat. */
  milestones: readonly number[];
  /** Multiplicative factor. Default 0.1. */
  gamma?: number;
}

/**
 * lr = baseLr · γ^(number of milestones ≤ epoch)
 *
 * @example
 * const scheduler = new Scheduler(optimizer, multiStepLr({ milestones: [30, 80] }));
 */
export function multiStepLr(
  options: MultiStepLrOptions,
): ClosedFormSchedule<Required<MultiStepLrOptions>> {
  const o = resolveOptions<Required<MultiStepLrOptions>>(
    "multiStepLr",
    {
      milestones: { check: milestones },
      gamma: { default: 0.1, check: nonNegative },
    },
    options,
  );
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

export interface ExponentialLrOptions {
  /** Multiplicative factor per epoch; required, as in PyTorch. */
  gamma: number;
}

/**
 * lr = baseLr · γ^epoch
 *
 * @example
 * const scheduler = new Scheduler(optimizer, exponentialLr({ gamma: 0.95 }));
 */
export function exponentialLr(
  options: ExponentialLrOptions,
): ClosedFormSchedule<Required<ExponentialLrOptions>> {
  const o = resolveOptions<Required<ExponentialLrOptions>>(
    "exponentialLr",
    {
      gamma: { check: nonNegative },
    },
    options,
  );
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
