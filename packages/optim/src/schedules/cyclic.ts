/**
 * Cyclical learning rates (Smith, 2017): PyTorch 1.13's CyclicLR, stepped
 * once per batch. The rate rises from baseLr to maxLr over stepSizeUp steps
 * and falls back over stepSizeDown; the momentum, when cycled, moves the
 * other way between maxMomentum and baseMomentum. The schedule sets the
 * rate itself from its own baseLr, whatever the optimizer's lr was.
 */
import { OptimError } from "../errors.js";
import {
  boolean,
  integerAtLeast,
  nonNegative,
  oneOf,
  positive,
  resolveOptions,
  unitOpen,
} from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface CyclicLrOptions {
  /** The lower bound of the rate, and the rate at step 0 (`base_lr`). */
  baseLr: number;
  /** The upper bound of the rate (`max_lr`). */
  maxLr: number;
  /** Steps from baseLr up to maxLr. Default 2000. */
  stepSizeUp?: number;
  /** Steps from maxLr down to baseLr; stepSizeUp when left out. */
  stepSizeDown?: number | null;
  /** "triangular", "triangular2" (halve the amplitude each cycle) or "exp_range" (× gamma^step). Default "triangular". */
  mode?: "triangular" | "triangular2" | "exp_range";
  /** The base of "exp_range"'s scaling. Default 1. */
  gamma?: number;
  /** Cycle the momentum (SGD's momentum, Adam's β₁) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** The momentum at the top of the rate. Default 0.8. */
  baseMomentum?: number;
  /** The momentum at the bottom of the rate. Default 0.9. */
  maxMomentum?: number;
}

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
export function cyclicLr(options: CyclicLrOptions): ClosedFormSchedule<Required<CyclicLrOptions>> {
  const name = "cyclicLr";
  const o = resolveOptions<Required<CyclicLrOptions>>(
    name,
    {
      baseLr: { check: nonNegative },
      maxLr: { check: nonNegative },
      stepSizeUp: { default: 2000, check: integerAtLeast(1) },
      stepSizeDown: {
        default: null,
        check: (key, v) => (v === null ? undefined : integerAtLeast(1)(key, v)),
      },
      mode: { default: "triangular", check: oneOf(["triangular", "triangular2", "exp_range"]) },
      gamma: { default: 1, check: positive },
      cycleMomentum: { default: true, check: boolean },
      baseMomentum: { default: 0.8, check: unitOpen },
      maxMomentum: { default: 0.9, check: unitOpen },
    },
    options,
  );
  if (o.cycleMomentum && o.baseMomentum > o.maxMomentum) {
    throw new OptimError(
      "INVALID_HYPERPARAMETER",
      `${name}: baseMomentum must be <= maxMomentum, got ${o.baseMomentum} and ${o.maxMomentum}`,
    );
  }
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
