/**
 * The one-cycle policy (Smith & Topin, 2018): PyTorch 1.13's OneCycleLR,
 * stepped once per batch. The rate warms up from maxLr/divFactor to maxLr
 * over pctStart of the run, then anneals to maxLr/(divFactor·finalDivFactor)
 * (or, with threePhase, back down symmetrically first); the momentum, when
 * cycled, moves the other way between maxMomentum and baseMomentum. It sets
 * the rate itself, whatever the optimizer's lr was, and refuses to step past
 * totalSteps, as PyTorch does.
 */
import { z } from "@recurrent/registry";
import { OptimError } from "../errors.js";
import { parseOptions } from "../schema-options.js";
import { cycleMomentumShape } from "./momentum.js";
import { type ClosedFormSchedule, closedForm } from "./schedule.js";

/**
 * Options of `oneCycleLr`, declared once: the registry entry `one-cycle`
 * parses the same schema. PyTorch's `max_lr`, `total_steps`, `pct_start` …
 * in camelCase.
 */
export const oneCycleLrSchema = z.object({
  maxLr: z.number().positive().describe("the peak rate"),
  totalSteps: z.number().int().min(1).describe("steps in the cycle (train.steps)"),
  pctStart: z.number().min(0).max(1).default(0.3).describe("fraction of the steps warming up"),
  annealStrategy: z.enum(["cos", "linear"]).default("cos").describe("annealing shape"),
  ...cycleMomentumShape(0.85, 0.95),
  divFactor: z.number().positive().default(25).describe("the starting rate is maxLr / divFactor"),
  finalDivFactor: z
    .number()
    .positive()
    .default(1e4)
    .describe("the final rate is the starting rate / finalDivFactor"),
  threePhase: z.boolean().default(false).describe("warm up, come back down, then anneal"),
});

/** Options of `oneCycleLr`, as a user writes them. */
export type OneCycleLrOptions = z.input<typeof oneCycleLrSchema>;
/** Options of `oneCycleLr` with every default filled in. */
export type OneCycleLrHyper = z.output<typeof oneCycleLrSchema>;

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
export function oneCycleLr(options: OneCycleLrOptions): ClosedFormSchedule<OneCycleLrHyper> {
  const name = "oneCycleLr";
  const o = parseOptions(name, oneCycleLrSchema, options);
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
