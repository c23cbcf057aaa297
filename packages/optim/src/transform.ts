/**
 * The pure core every optimizer is built from, as in optax: a transform has
 * `init(params) → state` and `update(grads, state, params) → { updates,
 * state }`, where params, grads and updates are flat float arrays keyed by
 * parameter name and the state is plain data (numbers and typed arrays)
 * keyed the same way. Nothing here touches a tensor, so a transform runs
 * anywhere, is trivially tested, and composes with `chain`; the stateful
 * `Optimizer` shell adds tensors, `step()` and saving.
 */
import { OptimError } from "./errors.js";

export type FloatArray = Float32Array | Float64Array;

/** Flat arrays keyed by parameter name: parameters, gradients or updates. */
export type NamedArrays = Readonly<Record<string, FloatArray>>;

export interface UpdateResult<TState> {
  /** What to add to each parameter that had a gradient (p ← p + u); fresh arrays. */
  readonly updates: NamedArrays;
  readonly state: TState;
}

/**
 * A gradient transformation. `update` is pure: it reads its arguments and
 * returns fresh arrays and a fresh state. `updateInPlace`, when present,
 * returns the same values but may overwrite the buffers of the state it is
 * given, and may reuse the buffers of the updates it returned on the last
 * call, so read those before calling again (the shell uses it to avoid
 * copying the moments and allocating the updates every step).
 *
 * `hyper` holds the validated hyper-parameters bound at creation; `update`
 * takes optional per-call overrides (a schedule's `lr`), validated the same way.
 *
 * The arrays the Optimizer passes are views of tensor storage; on the wasm
 * backend a new tensor may move that memory, so a transform should compute
 * with plain typed arrays and make no tensors.
 */
export interface Transform<TState = unknown, THyper extends object = object> {
  readonly name: string;
  readonly hyper: Readonly<THyper>;
  /** `hyper` with `overrides` applied, validated; throws OptimError listing every problem. */
  resolve(overrides?: Partial<THyper>): Readonly<THyper>;
  init(params: NamedArrays): TState;
  update(
    grads: NamedArrays,
    state: TState,
    params: NamedArrays,
    hyper?: Partial<THyper>,
  ): UpdateResult<TState>;
  updateInPlace?(
    grads: NamedArrays,
    state: TState,
    params: NamedArrays,
    hyper?: Partial<THyper>,
  ): UpdateResult<TState>;
}

/** A new array of the same type and length as `like`, zero-filled. */
export function zerosLike(like: FloatArray): FloatArray {
  return like instanceof Float64Array
    ? new Float64Array(like.length)
    : new Float32Array(like.length);
}

/**
 * p + u for every parameter with an update, as fresh arrays; parameters
 * without one are passed through unchanged.
 *
 * @example
 * const { updates, state: next } = tx.update(grads, state, params);
 * params = applyUpdates(params, updates);
 */
export function applyUpdates(params: NamedArrays, updates: NamedArrays): NamedArrays {
  const out: Record<string, FloatArray> = { ...params };
  for (const [name, u] of Object.entries(updates)) {
    const p = params[name];
    if (p === undefined) {
      throw new OptimError(
        "GRADIENT_MISMATCH",
        `applyUpdates: update "${name}" matches no parameter (parameters: ${Object.keys(params).join(", ")})`,
      );
    }
    const next = p.slice();
    for (let i = 0; i < next.length; i++) next[i] = (next[i] as number) + (u[i] as number);
    out[name] = next;
  }
  return out;
}

/** Check that `grads` names only parameters and each has its parameter's length. */
export function checkGrads(where: string, grads: NamedArrays, params: NamedArrays): void {
  for (const [name, g] of Object.entries(grads)) {
    const p = params[name];
    if (p === undefined) {
      throw new OptimError(
        "GRADIENT_MISMATCH",
        `${where}: gradient "${name}" matches no parameter (parameters: ${Object.keys(params).join(", ")})`,
      );
    }
    if (g.length !== p.length) {
      throw new OptimError(
        "GRADIENT_MISMATCH",
        `${where}: gradient "${name}" has ${g.length} elements, but the parameter has ${p.length}`,
      );
    }
  }
}
