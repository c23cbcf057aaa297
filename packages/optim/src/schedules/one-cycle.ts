/**
 * The one-cycle policy (Smith & Topin, 2018): PyTorch 1.13's OneCycleLR,
 * stepped once per batch. The rate warms up from maxLr/divFactor to maxLr
 * over pctStart of the run, then anneals to maxLr/(divFactor·finalDivFactor)
 * (or, with threePhase, back down symmetrically first); the momentum, when
 * cycled, moves the other way between maxMomentum and baseMomentum. It sets
 * the rate itself, whatever the optimizer's lr was, and refuses to step past
 * totalSteps, as PyTorch does.
 */
import { OptimError } from "../errors.js";
import {
  boolean,
  integerAtLeast,
  oneOf,
  positive,
  resolveOptions,
  unitClosed,
  unitOpen,
} from "../options.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

export interface OneCycleLrOptions {
  /** The peak rate (`max_lr`). */
  maxLr: number;
  /** Steps in the cycle (`total_steps`). */
  totalSteps: number;
  /** The fraction of the steps spent warming up (`pct_start`). Default 0.3. */
  pctStart?: number;
  /** "cos" or "linear" annealing (`anneal_strategy`). Default "cos". */
  annealStrategy?: "cos" | "linear";
  /** Cycle the momentum (SGD's momentum, Adam's β₁) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** The momentum at the peak rate. Default 0.85. */
  baseMomentum?: number;
  /** The momentum at the start and the end. Default 0.95. */
  maxMomentum?: number;
  /** The starting rate is maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** The final rate is the starting rate / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Warm up, come back down symmetrically, then anneal (`three_phase`). Default false. */
  threePhase?: boolean;
}

interface Phase {
  readonly end: number;
  readonly from: "initial" | "max";
  readonly to: "initial" | "max" | "min";
  readonly fromMomentum: "base" | "max";
  readonly toMomentum: "base" | "max";
}

/**
 * @example
 * const schedule = oneCycleLr({ maxLr: 0.01, totalSteps: 1000 }); // with adam, β₁ cycles 0.95 → 0.85 → 0.95
 */
export function oneCycleLr(
  options: OneCycleLrOptions,
): ClosedFormSchedule<Required<OneCycleLrOptions>> {
  const name = "oneCycleLr";
  const o = resolveOptions<Required<OneCycleLrOptions>>(
    name,
    {
      maxLr: { check: positive },
      totalSteps: { check: integerAtLeast(1) },
      pctStart: { default: 0.3, check: unitClosed },
      annealStrategy: { default: "cos", check: oneOf(["cos", "linear"]) },
      cycleMomentum: { default: true, check: boolean },
      baseMomentum: { default: 0.85, check: unitOpen },
      maxMomentum: { default: 0.95, check: unitOpen },
      divFactor: { default: 25, check: positive },
      finalDivFactor: { default: 1e4, check: positive },
      threePhase: { default: false, check: boolean },
    },
    options,
  );
  const n = o.totalSteps;
  const warm = o.pctStart * n;
  const phases: Phase[] = o.threePhase
    ? [
        { end: warm - 1, from: "initial", to: "max", fromMomentum: "max", toMomentum: "base" },
        { end: 2 * warm - 2, from: "max", to: "initial", fromMomentum: "base", toMomentum: "max" },
        { end: n - 1, from: "initial", to: "min", fromMomentum: "max", toMomentum: "max" },
      ]
    : [
        { end: warm - 1, from: "initial", to: "max", fromMomentum: "max", toMomentum: "base" },
        { end: n - 1, from: "max", to: "min", fromMomentum: "base", toMomentum: "max" },
      ];
  const initial = o.maxLr / o.divFactor;
  const rates = { initial, max: o.maxLr, min: initial / o.finalDivFactor };
  const momenta = { base: o.baseMomentum, max: o.maxMomentum };
  // cos: end + (start − end)/2 · (1 + cos(π·pct));  linear: start + (end − start)·pct
  const anneal =
    o.annealStrategy === "cos"
      ? (start: number, end: number, pct: number) =>
          end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (start: number, end: number, pct: number) => (end - start) * pct + start;
  /** The phase of `epoch` and how far into it (PyTorch's walk over the phases). */
  const locate = (epoch: number): { phase: Phase; pct: number } => {
    if (epoch > n) {
      throw new OptimError(
        "INVALID_STATE",
        `${name}: stepped ${epoch + 1} times, but totalSteps is ${n}; raise totalSteps or stop stepping`,
      );
    }
    let start = 0;
    for (const [i, phase] of phases.entries()) {
      if (epoch <= phase.end || i === phases.length - 1)
        return { phase, pct: (epoch - start) / (phase.end - start) };
      start = phase.end;
    }
    throw new Error("unreachable");
  };
  const lrAt = (epoch: number) => {
    const { phase, pct } = locate(epoch);
    return anneal(rates[phase.from], rates[phase.to], pct);
  };
  return closedForm(name, o, lrAt, {
    // PyTorch's get_lr reads its own rates only, so inside a chain it overwrites the rate.
    recurrence: (epoch) => lrAt(epoch),
    ...(o.cycleMomentum
      ? {
          momentumAt: (epoch: number) => {
            const { phase, pct } = locate(epoch);
            return anneal(momenta[phase.fromMomentum], momenta[phase.toMomentum], pct);
          },
        }
      : {}),
  });
}
