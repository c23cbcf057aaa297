/**
 * Composing schedules: `sequentialLr` hands over from one schedule to the
 * next at milestones (PyTorch's SequentialLR: warm-up, then cosine), and
 * `chainedLr` runs them together as PyTorch's ChainedScheduler does (each
 * member's recursive rule applied to the rate the previous one left), and
 * `productLr` multiplies their closed-form factors. All hold their
 * members' states inside their own, so a composed schedule saves and loads
 * like a single one.
 */
import { showValue, z } from "@recurrent/registry";
import { invalid } from "../errors.js";
import { parseOptions } from "../schema-options.js";
import { bisectRight, milestonesSchema } from "./decay.js";
import {
  type ClosedFormSchedule,
  type Recurrence,
  restoreNumbers,
  type Schedule,
  type ScheduleState,
} from "./schedule.js";

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
 * The options of a sequential schedule, declared once: `sequentialLr` parses
 * them with schedules for members, the registry entry `sequential` with
 * member configs (`{ name: "linear", totalIters: 5 }`), which it validates
 * and creates by name.
 */
export function sequentialSchema<M extends z.ZodType>(member: M) {
  return z
    .object({
      schedules: z
        .array(member)
        .min(1)
        .describe(
          'the schedules, e.g. [{ name: "linear", totalIters: 5 }, { name: "cosine-annealing", tMax: 95 }]',
        ),
      milestones: milestonesSchema.describe(
        "epochs at which the next schedule takes over (one fewer than schedules)",
      ),
    })
    .superRefine(({ schedules: { length: n }, milestones: { length: m } }, ctx) => {
      if (m !== n - 1) {
        ctx.addIssue({
          code: "custom",
          path: ["milestones"],
          message: `expected ${n - 1} for ${n} schedules (one fewer)`,
          params: {
            plain: `expected ${n - 1} milestone${n === 2 ? "" : "s"} for ${n} schedules (one fewer), got ${m}`,
          },
        });
      }
    });
}

/** What `sequentialLr` checks its arguments with: members already made and checked. */
const sequentialLrSchema = sequentialSchema(z.custom<AnySchedule>());

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
  const checked = parseOptions(name, sequentialLrSchema, { schedules, milestones });
  const members = [...checked.schedules];
  const stops = [...checked.milestones];
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
      const member = members[index];
      if (member === undefined) {
        // NaN: restoreNumbers has reported it. The state returned is dropped: problems throw.
        if (!Number.isNaN(index)) {
          problems.push(`${path}.index: expected 0 to ${members.length - 1}, got ${index}`);
        }
        return { ...numbers, inner: (members[0] as AnySchedule).init(numbers.baseLr) };
      }
      const inner = member.restore((saved as { inner?: unknown }).inner, `${path}.inner`, problems);
      return { ...numbers, inner };
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
 * Run all `schedules` together, as PyTorch's ChainedScheduler does: at each
 * step every member, in order, moves the rate the previous one left by its
 * own recursive rule (PyTorch's chainable `get_lr`). Multiplicative ones
 * (step, multi-step, exponential, linear, constant, polynomial,
 * multiplicative, reduce-on-plateau) scale it; cosine annealing applies its
 * ratio of cosines to lr − ηmin, plus a restart term on the step after each
 * minimum; those that compute the rate from scratch (lambda, cyclic,
 * one-cycle, warm restarts) overwrite it. Up to cosine's first minimum this
 * is the product of the members' factors; past it, it is what PyTorch
 * computes, not that product. For the plain product, use `productLr`.
 *
 * @example
 * const schedule = chainedLr([linearLr({ totalIters: 5 }), exponentialLr({ gamma: 0.95 })]);
 */
export function chainedLr(
  schedules: readonly AnySchedule[],
): Schedule<ChainedState, ChainedLrOptions> {
  return composeTogether("chainedLr", schedules, {
    // Each member's state carries the chain's rate (what PyTorch's group["lr"] holds).
    start: (state) => state.lr,
    init: (member, baseLr, lr) => {
      const first = member.init(baseLr);
      const recurrence = recurrenceOf(member);
      const state = { ...first, lr: recurrence === null ? lr : recurrence(0, lr, baseLr) };
      return { state, lr: state.lr };
    },
    step: (member, previous, lr, metric) => {
      const recurrence = recurrenceOf(member);
      if (recurrence === null) {
        const state = member.step({ ...previous, lr }, metric);
        return { state, lr: state.lr };
      }
      const next = member.step(previous, metric);
      const state = { ...next, lr: recurrence(next.epoch, lr, next.baseLr) };
      return { state, lr: state.lr };
    },
  });
}

/**
 * Run all `schedules` together from the same baseLr and multiply their
 * factors at every epoch: lr = baseLr · Π (lrᵢ / baseLr), each member on its
 * own curve. Equal to `chainedLr` (PyTorch's ChainedScheduler) for purely
 * multiplicative members, and with cosine annealing up to its first
 * minimum; past it, PyTorch's recursion adds a restart term this product
 * does not have.
 *
 * @example
 * const schedule = productLr([exponentialLr({ gamma: 0.9 }), cosineAnnealingLr({ tMax: 10 })]);
 */
export function productLr(
  schedules: readonly AnySchedule[],
): Schedule<ChainedState, ChainedLrOptions> {
  return composeTogether("productLr", schedules, {
    // A fresh product of factors every epoch; members keep their own states.
    start: (state) => state.baseLr,
    init: (member, baseLr, lr) => {
      const state = member.init(baseLr);
      return { state, lr: baseLr === 0 ? 0 : lr * (state.lr / baseLr) };
    },
    step: (member, previous, lr, metric) => {
      const state = member.step(previous, metric);
      return { state, lr: state.baseLr === 0 ? 0 : lr * (state.lr / state.baseLr) };
    },
  });
}

/** How a composition runs each member: its next state, and the composed rate after it. */
interface Together {
  /** The rate the first member's step starts from. */
  start(state: ChainedState): number;
  init(member: AnySchedule, baseLr: number, lr: number): { state: ScheduleState; lr: number };
  step(
    member: AnySchedule,
    state: ScheduleState,
    lr: number,
    metric?: number,
  ): { state: ScheduleState; lr: number };
}

/** A closed form's recursive rule, or null for a schedule whose step already reads the current rate. */
function recurrenceOf(member: AnySchedule): Recurrence | null {
  const recurrence = (member as Partial<ClosedFormSchedule>).recurrence;
  return typeof recurrence === "function" ? recurrence : null;
}

/** The last momentum any member set (members that cycle it), if any. */
function momentumOf(inner: readonly ScheduleState[]): { momentum?: number } {
  for (let i = inner.length - 1; i >= 0; i--) {
    const m = (inner[i] as ScheduleState).momentum;
    if (m !== undefined) return { momentum: m };
  }
  return {};
}

function composeTogether(
  name: string,
  schedules: readonly AnySchedule[],
  together: Together,
): Schedule<ChainedState, ChainedLrOptions> {
  checkMembers(name, schedules);
  const members = [...schedules];
  return {
    name,
    options: Object.freeze({ schedules: members.map((s) => s.name) }),
    needsMetric: members.some((s) => s.needsMetric),
    init(baseLr) {
      let lr = baseLr;
      const inner = members.map((member) => {
        const next = together.init(member, baseLr, lr);
        lr = next.lr;
        return next.state;
      });
      return { epoch: 0, baseLr, lr, inner, ...momentumOf(inner) };
    },
    step(state, metric) {
      // The composed rate goes member to member: member i starts from what i − 1 left.
      let lr = together.start(state);
      const inner = members.map((member, i) => {
        const next = together.step(member, state.inner[i] as ScheduleState, lr, metric);
        lr = next.lr;
        return next.state;
      });
      return { epoch: state.epoch + 1, baseLr: state.baseLr, lr, inner, ...momentumOf(inner) };
    },
    restore(saved, path, problems) {
      const numbers = restoreNumbers(
        saved,
        path,
        problems,
        ["epoch", "baseLr", "lr"],
        ["inner", "momentum"],
      );
      const inner = (saved as { inner?: unknown } | null)?.inner;
      if (!Array.isArray(inner) || inner.length !== members.length) {
        problems.push(`${path}.inner: expected a list of ${members.length} states`);
        return { ...numbers, inner: [] }; // dropped: problems throw
      }
      const restored = members.map((s, i) => s.restore(inner[i], `${path}.inner.${i}`, problems));
      return { ...numbers, inner: restored, ...momentumOf(restored) };
    },
  };
}

function checkMembers(name: string, schedules: readonly unknown[]): void {
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw invalid(
      name,
      `schedules must be a non-empty list of schedules, got ${showValue(schedules)}`,
    );
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
