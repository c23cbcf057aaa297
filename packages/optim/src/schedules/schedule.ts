/**
 * What a learning-rate schedule is: a pure pair `init(baseLr) → state` and
 * `step(state, metric?) → state`, where the state is a small record of
 * numbers holding at least the epoch, the base learning rate and the
 * current one. Being plain data, it saves to JSON and composes: a
 * `sequentialLr` holds its active member's state, a `chainedLr` all of them.
 * The `Scheduler` shell drives one against an optimizer's `lr`.
 *
 * Epochs count as PyTorch's `last_epoch`: 0 after construction, +1 per step.
 */
import { OptimError } from "../errors.js";

export interface ScheduleState {
  /** Steps taken (PyTorch's `last_epoch`). */
  readonly epoch: number;
  /** The learning rate the schedule started from (PyTorch's `base_lrs[0]`). */
  readonly baseLr: number;
  /** The learning rate for the coming optimizer step. */
  readonly lr: number;
  /**
   * The momentum for the coming step, for schedules that cycle it (one-cycle,
   * cyclic): SGD's and RMSprop's `momentum`, or Adam's β₁.
   */
  readonly momentum?: number;
}

export interface Schedule<TState extends ScheduleState = ScheduleState, TOptions = object> {
  readonly name: string;
  /** The validated options. */
  readonly options: Readonly<TOptions>;
  /** True when `step` needs the metric (reduce-on-plateau, or a composition holding it). */
  readonly needsMetric: boolean;
  init(baseLr: number): TState;
  step(state: TState, metric?: number): TState;
  /** Check a saved state (already decoded from JSON) and return it typed; pushes problems found. */
  restore(saved: unknown, path: string, problems: string[]): TState;
}

/**
 * PyTorch's chainable `get_lr()`: the rate at `epoch` given the rate the
 * optimizer holds now (`lr`), which other schedules of a ChainedScheduler
 * may have changed. Alone, it reproduces the closed form.
 */
export type Recurrence = (epoch: number, lr: number, baseLr: number) => number;

/** A schedule with a closed form: the learning rate is a function of the epoch alone. */
export interface ClosedFormSchedule<TOptions = object> extends Schedule<ScheduleState, TOptions> {
  /** The learning rate at `epoch` starting from `baseLr`. */
  lrAt(epoch: number, baseLr: number): number;
  /** The rate at `epoch` from the current one, as PyTorch steps it inside `chainedLr`. */
  recurrence: Recurrence;
}

export interface ClosedFormExtras {
  /**
   * PyTorch's chainable form (see `Recurrence`). Left out, the schedule
   * scales the current rate by its own factor, lrAt(epoch) / lrAt(epoch − 1).
   */
  readonly recurrence?: Recurrence;
  /** The momentum at `epoch`, for schedules that cycle it; the state then carries it. */
  readonly momentumAt?: (epoch: number) => number;
}

/**
 * Build a schedule from its closed form: the way to write your own.
 *
 * @example
 * const polynomial = (power: number, total: number) =>
 *   closedForm("acme/polynomial", { power, total }, (epoch, baseLr) =>
 *     baseLr * (1 - Math.min(epoch, total) / total) ** power);
 */
export function closedForm<TOptions>(
  name: string,
  options: Readonly<TOptions>,
  lrAt: (epoch: number, baseLr: number) => number,
  extras: ClosedFormExtras = {},
): ClosedFormSchedule<TOptions> {
  const momentumAt = extras.momentumAt;
  const at = (epoch: number, baseLr: number, lr: number): ScheduleState =>
    momentumAt === undefined
      ? { epoch, baseLr, lr }
      : { epoch, baseLr, lr, momentum: momentumAt(epoch) };
  const byFactor: Recurrence = (epoch, lr, baseLr) => {
    const previous = epoch === 0 ? baseLr : lrAt(epoch - 1, baseLr);
    return previous === 0 ? lrAt(epoch, baseLr) : lr * (lrAt(epoch, baseLr) / previous);
  };
  const keys: readonly (keyof ScheduleState)[] =
    momentumAt === undefined ? ["epoch", "baseLr", "lr"] : ["epoch", "baseLr", "lr", "momentum"];
  return {
    name,
    options,
    needsMetric: false,
    lrAt,
    recurrence: extras.recurrence ?? byFactor,
    init: (baseLr) => at(0, baseLr, lrAt(0, baseLr)),
    step: (state) => at(state.epoch + 1, state.baseLr, lrAt(state.epoch + 1, state.baseLr)),
    restore: (saved, path, problems) => restoreNumbers(saved, path, problems, keys),
  };
}

/**
 * Check that `saved` is a record holding exactly `keys`, each a number
 * (`epoch`, and any key ending in "Counter" or "Epochs", a whole number >= 0),
 * plus `others`, which the caller checks.
 */
export function restoreNumbers<const K extends string>(
  saved: unknown,
  path: string,
  problems: string[],
  keys: readonly K[],
  others: readonly string[] = [],
): Record<K, number> {
  // A key that is missing or wrong reads NaN, beside its problem: callers throw on any problem.
  const out = Object.fromEntries(keys.map((key) => [key, Number.NaN])) as Record<K, number>;
  if (saved === null || typeof saved !== "object" || Array.isArray(saved)) {
    problems.push(`${path}: expected an object with ${keys.join(", ")}, got ${String(saved)}`);
    return out;
  }
  const record: Record<string, unknown> = { ...saved };
  for (const key of keys) {
    const value = record[key];
    const counter = key === "epoch" || key.endsWith("Counter") || key.endsWith("Epochs");
    if (typeof value !== "number" || (counter && !(Number.isInteger(value) && value >= 0))) {
      problems.push(
        `${path}.${key}: expected ${counter ? "a whole number >= 0" : "a number"}, got ${JSON.stringify(value) ?? "nothing"}`,
      );
      continue;
    }
    out[key] = value;
  }
  for (const key of Object.keys(record)) {
    if (!keys.some((known) => known === key) && !others.includes(key)) {
      problems.push(`${path}.${key}: not part of this schedule's state`);
    }
  }
  return out;
}

/** Throw MISSING_METRIC for a schedule stepped without the metric it needs. */
export function missingMetric(name: string, metric: unknown): OptimError {
  return new OptimError(
    "MISSING_METRIC",
    `${name}: step needs the metric it watches, e.g. scheduler.step(validationLoss), got ${metric === undefined ? "nothing" : JSON.stringify(metric)}`,
  );
}
