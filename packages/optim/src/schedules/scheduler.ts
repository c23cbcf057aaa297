/**
 * The stateful shell that drives a pure schedule against an optimizer's
 * learning rate, as PyTorch's LR schedulers do: construction records the
 * optimizer's lr as the base and sets the epoch-0 rate; each `step()` moves
 * one epoch on and writes the new rate. Its state saves beside the
 * optimizer's, so a resumed run continues on the same curve.
 */

import type { Tensor } from "@recurrent/tensor";
import { OptimError, problemsError } from "../errors.js";
import {
  decodeState,
  encodeState,
  FORMAT,
  type Json,
  readJson,
  type SavedState,
  type StateDict,
} from "../state-dict.js";
import type { Schedule, ScheduleState } from "./schedule.js";

/**
 * Anything with a learning rate to drive: an `Optimizer`, or a plain `{ lr }`
 * in functional code. Schedules that cycle the momentum (one-cycle, cyclic)
 * also set it: through `setHyper` on an optimizer (`momentum` for SGD and
 * RMSprop, β₁ of `betas` for Adam and AdamW), or `momentum` on a plain object.
 */
export interface LrTarget {
  lr: number;
  momentum?: number;
  readonly hyper?: object;
  setHyper?(overrides: object): void;
}

/**
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), sgd({ lr: 0.1 }));
 * const scheduler = new Scheduler(optimizer, cosineAnnealingLr({ tMax: epochs }));
 * for (let epoch = 0; epoch < epochs; epoch++) {
 *   trainOneEpoch(optimizer);
 *   scheduler.step();
 * }
 */
export class Scheduler<TState extends ScheduleState = ScheduleState> {
  private current: TState;

  constructor(
    readonly target: LrTarget,
    readonly schedule: Schedule<TState, object>,
  ) {
    this.current = schedule.init(target.lr);
    this.apply();
  }

  /** Write the state's rate (and momentum, for schedules that cycle it) into the target. */
  private apply(): void {
    this.target.lr = this.current.lr;
    const momentum = this.current.momentum;
    if (momentum !== undefined) setMomentum(this.target, momentum, this.schedule.name);
  }

  /** The learning rate set for the coming optimizer step. */
  get lr(): number {
    return this.current.lr;
  }

  /** Steps taken (PyTorch's `last_epoch`). */
  get epoch(): number {
    return this.current.epoch;
  }

  /** The schedule's state; read it, do not change it. */
  get state(): TState {
    return this.current;
  }

  /**
   * Move one epoch on and set the target's learning rate; returns it.
   * `metric` is required by reduce-on-plateau (and compositions holding it).
   */
  step(metric?: number): number {
    this.current = this.schedule.step(this.current, metric);
    this.apply();
    return this.current.lr;
  }

  /** The state to save: no tensors, and JSON with the schedule's name and state. */
  stateDict(): StateDict {
    const tensors: Record<string, Tensor> = {};
    const state = encodeState(this.current, ["state"], tensors);
    const json: Json = { format: FORMAT.schedule, schedule: this.schedule.name, state };
    return { tensors, json };
  }

  /**
   * Restore what `stateDict()` saved, for a schedule of the same kind, and
   * set the target's learning rate to the restored one. The options stay
   * those this schedule was built with. Throws one OptimError (code
   * INVALID_STATE) listing every problem; on error nothing changes.
   */
  loadStateDict(saved: SavedState): void {
    const loc = "Scheduler.loadStateDict";
    const record = readJson(loc, saved.json, FORMAT.schedule);
    if (record.schedule !== this.schedule.name) {
      throw new OptimError(
        "INVALID_STATE",
        `${loc}: the state was saved by ${JSON.stringify(record.schedule)}, but this schedule is "${this.schedule.name}"`,
      );
    }
    const problems: string[] = [];
    const decoded = decodeState(record.state, saved.tensors ?? {}, "state", problems, new Set());
    const state = this.schedule.restore(decoded, "state", problems);
    if (problems.length > 0) {
      throw problemsError("INVALID_STATE", loc, "problems with the saved state", problems);
    }
    this.current = state;
    this.apply();
  }
}

/** Set the momentum a schedule cycles: SGD's and RMSprop's `momentum`, or Adam's β₁. */
function setMomentum(target: LrTarget, momentum: number, schedule: string): void {
  const hyper = target.hyper as { betas?: unknown; momentum?: unknown } | undefined;
  if (hyper !== undefined && typeof target.setHyper === "function") {
    if (Array.isArray(hyper.betas)) {
      target.setHyper({ betas: [momentum, hyper.betas[1]] });
      return;
    }
    if (typeof hyper.momentum === "number") {
      target.setHyper({ momentum });
      return;
    }
  } else if (hyper === undefined) {
    target.momentum = momentum;
    return;
  }
  throw new OptimError(
    "INVALID_HYPERPARAMETER",
    `${schedule}: cycles the momentum, but the optimizer has neither momentum nor betas; pass cycleMomentum: false`,
  );
}
