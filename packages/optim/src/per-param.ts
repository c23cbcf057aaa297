/**
 * The shared skeleton of the built-in optimizers. Each one (SGD, Adam, …)
 * updates every parameter independently from its own gradient and its own
 * slice of state, as PyTorch's `_single_tensor_*` functions do, so each
 * optimizer file only states its options and two per-parameter functions;
 * this file turns them into a `Transform` with validation, overrides, the
 * pure `update` and the buffer-reusing `updateInPlace`.
 */

import type { z } from "@recurrent/registry";
import { OptimError } from "./errors.js";
import { parseOptions } from "./schema-options.js";
import { checkGrads, type FloatArray, type NamedArrays, type Transform } from "./transform.js";

/** The state of one parameter: an object of numbers, booleans, typed arrays, or null for an unused buffer. */
export type ParamState = object;

/** Per-parameter state keyed by parameter name. */
export type PerParamState<TParamState extends ParamState> = Record<string, TParamState>;

export interface PerParamRule<THyper extends object, TParamState extends ParamState> {
  readonly name: string;
  /** The options' one declaration: defaults, bounds and cross-option rules (its output is THyper). */
  readonly schema: z.ZodType<THyper, unknown>;
  /** How to word a missing option that has no default. */
  readonly required?: Readonly<Record<string, string>>;
  /** Fresh state for one parameter. */
  initParam(param: FloatArray, hyper: Readonly<THyper>): TParamState;
  /**
   * One step for one parameter: update `state` in place (it is already a
   * private copy when the caller wants purity) and write the update into `out`.
   */
  updateParam(
    grad: FloatArray,
    state: TParamState,
    param: FloatArray,
    hyper: Readonly<THyper>,
    out: FloatArray,
  ): void;
}

/** A copy of one parameter's state: typed arrays are copied, the rest is immutable. */
function cloneParamState<T extends ParamState>(state: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    out[key] = ArrayBuffer.isView(value) ? (value as FloatArray).slice() : value;
  }
  return out as T;
}

/** Build the transform of a per-parameter rule, with `options` validated now. */
export function perParamTransform<THyper extends object, TParamState extends ParamState>(
  rule: PerParamRule<THyper, TParamState>,
  options: unknown,
): Transform<PerParamState<TParamState>, THyper> {
  const hyper = parseOptions(rule.name, rule.schema, options, undefined, rule.required);
  const resolve = (overrides?: Partial<THyper>): Readonly<THyper> =>
    overrides === undefined || Object.keys(overrides).length === 0
      ? hyper
      : parseOptions(rule.name, rule.schema, overrides, hyper, rule.required);

  // In place (the Optimizer's path), the updates are read before the next call, so their
  // buffers are reused from step to step instead of allocated: megabytes per step otherwise.
  const scratch = new Map<string, FloatArray>();
  const reusable = (name: string, param: FloatArray): FloatArray => {
    const kept = scratch.get(name);
    if (
      kept !== undefined &&
      kept.length === param.length &&
      kept.constructor === param.constructor
    )
      return kept;
    const fresh = freshLike(param);
    scratch.set(name, fresh);
    return fresh;
  };

  const run = (
    grads: NamedArrays,
    state: PerParamState<TParamState>,
    params: NamedArrays,
    overrides: Partial<THyper> | undefined,
    inPlace: boolean,
  ) => {
    const h = resolve(overrides);
    checkGrads(rule.name, grads, params);
    const next: PerParamState<TParamState> = { ...state };
    const updates: Record<string, FloatArray> = {};
    for (const [name, grad] of Object.entries(grads)) {
      const param = params[name] as FloatArray;
      const current = state[name];
      if (current === undefined) {
        throw new OptimError(
          "INVALID_STATE",
          `${rule.name}: no state for parameter "${name}"; make the state with init(params) over every parameter`,
        );
      }
      const own = inPlace ? current : cloneParamState(current);
      const out = inPlace ? reusable(name, param) : freshLike(param);
      rule.updateParam(grad, own, param, h, out);
      next[name] = own;
      updates[name] = out;
    }
    return { updates, state: next };
  };

  return {
    name: rule.name,
    hyper,
    resolve,
    init(params) {
      const state: PerParamState<TParamState> = {};
      for (const [name, param] of Object.entries(params))
        state[name] = rule.initParam(param, hyper);
      return state;
    },
    update: (grads, state, params, overrides) => run(grads, state, params, overrides, false),
    updateInPlace: (grads, state, params, overrides) => run(grads, state, params, overrides, true),
  };
}

function freshLike(param: FloatArray): FloatArray {
  return param instanceof Float64Array
    ? new Float64Array(param.length)
    : new Float32Array(param.length);
}
