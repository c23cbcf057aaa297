/**
 * Schedules given as functions of the epoch: PyTorch 1.13's LambdaLR
 * (lr = baseLr · λ(epoch)) and MultiplicativeLR (lr ← lr · λ(epoch) each
 * epoch). Functions cannot be written in a JSON config, so the trainer
 * offers `multiplicative` with a constant factor only and no `lambda`;
 * from code, any function works.
 */
import { z } from "@recurrent/registry";
import { OptimError } from "../errors.js";
import { type ClosedFormSchedule, closedForm, restoreNumbers, type Schedule } from "./schedule.js";

export interface LambdaLrOptions {
  /** The factor of the base rate at each epoch (`lr_lambda`). */
  lrLambda: (epoch: number) => number;
}

/**
 * lr = baseLr · λ(epoch)
 *
 * @example
 * const warmup = lambdaLr({ lrLambda: (epoch) => Math.min(1, (epoch + 1) / 10) });
 */
export function lambdaLr(options: LambdaLrOptions): ClosedFormSchedule<LambdaLrOptions> {
  const lambda = checkLambda("lambdaLr", options?.lrLambda);
  const lrAt = (epoch: number, baseLr: number) => baseLr * lambda(epoch);
  // PyTorch's get_lr reads base_lrs only, so inside a chain it overwrites the rate.
  return closedForm("lambdaLr", Object.freeze({ lrLambda: lambda }), lrAt, {
    recurrence: (epoch, _lr, baseLr) => lrAt(epoch, baseLr),
  });
}

/**
 * A constant `lrLambda`, the one a config can hold: the registry entry
 * `multiplicative` takes it as `factor`.
 */
export const constantFactor = z
  .number()
  .min(0)
  .describe("lr ← lr · factor every epoch (a constant lrLambda)");

export interface MultiplicativeLrOptions {
  /** The factor applied at each epoch from 1 on: a function of the epoch, or a constant. */
  lrLambda: ((epoch: number) => number) | number;
}

/**
 * lr ← lr · λ(epoch) at each step (epoch 0 keeps baseLr). Recursive by
 * nature: the state holds the current rate, so inside `chainedLr` it scales
 * whatever rate the chain holds, as PyTorch's does.
 *
 * @example
 * const decay = multiplicativeLr({ lrLambda: 0.95 });
 */
export function multiplicativeLr(
  options: MultiplicativeLrOptions,
): Schedule<{ epoch: number; baseLr: number; lr: number }, MultiplicativeLrOptions> {
  const given = options?.lrLambda;
  const constant = constantFactor.safeParse(given);
  const lambda = constant.success ? () => constant.data : checkLambda("multiplicativeLr", given);
  return {
    name: "multiplicativeLr",
    options: Object.freeze({ lrLambda: given as MultiplicativeLrOptions["lrLambda"] }),
    needsMetric: false,
    init: (baseLr) => ({ epoch: 0, baseLr, lr: baseLr }),
    step: (state) => ({
      epoch: state.epoch + 1,
      baseLr: state.baseLr,
      lr: state.lr * lambda(state.epoch + 1),
    }),
    restore: (saved, path, problems) =>
      restoreNumbers(saved, path, problems, ["epoch", "baseLr", "lr"]),
  };
}

function checkLambda(name: string, lambda: unknown): (epoch: number) => number {
  if (typeof lambda !== "function") {
    const constant = name === "multiplicativeLr" ? " or a number >= 0" : "";
    throw new OptimError(
      "INVALID_HYPERPARAMETER",
      `${name}: lrLambda must be a function of the epoch${constant}, got ${typeof lambda === "number" ? lambda : typeof lambda}`,
    );
  }
  return lambda as (epoch: number) => number;
}
