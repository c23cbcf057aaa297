/**
 * Composing schedules: `sequentialLr` hands over from one schedule to the
 * next at milestones (PyTorch's SequentialLR: warm-up, then cosine), and
 * `chainedLr` multiplies schedules' factors together (PyTorch's
 * ChainedScheduler, for schedules that scale the rate). Both hold their
 * members' states inside their own, so a composed schedule saves and loads
 * like a single one.
 */
import { show } from "../errors.js";
import { invalid, milestones as milestonesCheck } from "../options.js";
import { bisectRight } from "./decay.js";
import { restoreNumbers, type Schedule, type ScheduleState } from "./schedule.js";

/** Any schedule, whatever its state. */
export type AnySchedule = Schedule<ScheduleState, object>;

export interface SequentialState extends ScheduleState {
  /** Which schedule is active. */
  readonly index: number;
  /** The active schedule's state. */
  readonly inner: ScheduleState;
}

export interface SequentialLrOptions {
  readonly schedules: readonly string[];
  readonly milestones: readonly number[];
}

/**
 * Run `schedules[0]` until `milestones[0]`, then `schedules[1]` from its own
 * epoch 0 (restarted from baseLr, as PyTorch's `step(0)` does) until
 * `milestones[1]`, and so on.
 *
 * @example
 * const schedule = sequentialLr(
 *   [linearLr({ startFactor: 0.1, totalIters: 5 }), cosineAnnealingLr({ tMax: 95 })],
 *   [5],
 * );
 */
export function sequentialLr(
  schedules: readonly AnySchedule[],
  milestones: readonly number[],
): Schedule<SequentialState, SequentialLrOptions> {
  const name = "sequentialLr";
  checkMembers(name, schedules);
  const problem = milestonesCheck("milestones", milestones);
  if (problem !== undefined) throw invalid(name, problem);
  if (milestones.length !== schedules.length - 1) {
    throw invalid(
      name,
      `expected ${schedules.length - 1} milestone${schedules.length === 2 ? "" : "s"} for ${schedules.length} schedules (one fewer), got ${milestones.length}`,
    );
  }
  const members = [...schedules];
  const stops = [...milestones];
  return {
    name,
    options: Object.freeze({
      schedules: members.map((s) => s.name),
      milestones: Object.freeze(stops),
    }),
    needsMetric: members.some((s) => s.needsMetric),
    init(baseLr) {
      const inner = (members[0] as AnySchedule).init(baseLr);
      return { epoch: 0, baseLr, lr: inner.lr, index: 0, inner };
    },
    step(state, metric) {
      const epoch = state.epoch + 1;
      const index = bisectRight(stops, epoch);
      const member = members[index] as AnySchedule;
      const inner =
        index === state.index ? member.step(state.inner, metric) : member.init(state.baseLr);
      return { epoch, baseLr: state.baseLr, lr: inner.lr, index, inner };
    },
    restore(saved, path, problems) {
      const numbers = restoreNumbers(
        saved,
        path,
        problems,
        ["epoch", "baseLr", "lr", "index"],
        ["inner"],
      );
      const index = numbers.index;
      if (index === undefined) return numbers as unknown as SequentialState;
      const member = members[index];
      if (member === undefined) {
        problems.push(`${path}.index: expected 0 to ${members.length - 1}, got ${index}`);
        return numbers as unknown as SequentialState;
      }
      const inner = member.restore((saved as { inner?: unknown }).inner, `${path}.inner`, problems);
      return { ...numbers, inner } as unknown as SequentialState;
    },
  };
}

export interface ChainedState extends ScheduleState {
  /** Every member's state, in order. */
  readonly inner: readonly ScheduleState[];
}

export interface ChainedLrOptions {
  readonly schedules: readonly string[];
}

/**
 * Run all `schedules` together from the same baseLr and multiply their
 * factors: lr = baseLr · Π (lrᵢ / baseLr). For schedules that scale the rate
 * (step, multi-step, exponential, linear, cosine with etaMin 0) this is what
 * PyTorch's ChainedScheduler computes.
 *
 * @example
 * const schedule = chainedLr([linearLr({ totalIters: 5 }), exponentialLr({ gamma: 0.95 })]);
 */
export function chainedLr(
  schedules: readonly AnySchedule[],
): Schedule<ChainedState, ChainedLrOptions> {
  const name = "chainedLr";
  checkMembers(name, schedules);
  const members = [...schedules];
  const product = (baseLr: number, inner: readonly ScheduleState[]) =>
    baseLr === 0 ? 0 : inner.reduce((lr, s) => lr * (s.lr / baseLr), baseLr);
  return {
    name,
    options: Object.freeze({ schedules: members.map((s) => s.name) }),
    needsMetric: members.some((s) => s.needsMetric),
    init(baseLr) {
      const inner = members.map((s) => s.init(baseLr));
      return { epoch: 0, baseLr, lr: product(baseLr, inner), inner };
    },
    step(state, metric) {
      const inner = members.map((s, i) => s.step(state.inner[i] as ScheduleState, metric));
      return {
        epoch: state.epoch + 1,
        baseLr: state.baseLr,
        lr: product(state.baseLr, inner),
        inner,
      };
    },
    restore(saved, path, problems) {
      const numbers = restoreNumbers(saved, path, problems, ["epoch", "baseLr", "lr"], ["inner"]);
      const inner = (saved as { inner?: unknown } | null)?.inner;
      if (!Array.isArray(inner) || inner.length !== members.length) {
        problems.push(`${path}.inner: expected a list of ${members.length} states`);
        return numbers as unknown as ChainedState;
      }
      const restored = members.map((s, i) => s.restore(inner[i], `${path}.inner.${i}`, problems));
      return { ...numbers, inner: restored } as unknown as ChainedState;
    },
  };
}

function checkMembers(name: string, schedules: readonly unknown[]): void {
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw invalid(name, `schedules must be a non-empty list of schedules, got ${show(schedules)}`);
  }
  schedules.forEach((s, i) => {
    const ok = typeof s === "object" && s !== null && typeof (s as AnySchedule).step === "function";
    if (!ok)
      throw invalid(
        name,
        `schedules[${i}] must be a schedule (e.g. cosineAnnealingLr({ tMax: 10 })), got ${typeof s}`,
      );
  });
}
