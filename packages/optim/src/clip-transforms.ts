/**
 * Clipping as pure transforms, for `chain`: the same norm and coefficient as
 * `clipGradNorm` and the same clamp as `clipGradValue`, applied to the
 * incoming updates (fresh arrays out, nothing modified in place, no state).
 * Use these when the whole update rule should be one saved transform; use
 * the tensor functions when you also want the norm for logging.
 */
import { clipCoefficient, globalNorm, normType, shouldScale } from "./norm.js";
import { nonNegative, type OptionSpecs, resolveOptions } from "./options.js";
import type { FloatArray, NamedArrays, Transform } from "./transform.js";

export interface ClipByGlobalNormOptions {
  /** The largest global norm let through. */
  maxNorm: number;
  /** The p of the p-norm: > 0, or Infinity for the max norm. Default 2. */
  normType?: number;
}

export type ClipByGlobalNormHyper = Required<ClipByGlobalNormOptions>;

export interface ClipByValueOptions {
  /** Updates are clamped into [-clipValue, clipValue]. */
  clipValue: number;
}

export type ClipByValueHyper = Required<ClipByValueOptions>;

/** Clipping keeps no state. */
export type ClipState = null;

function scaled(updates: NamedArrays, f: (u: number) => number): NamedArrays {
  const out: Record<string, FloatArray> = {};
  for (const [name, u] of Object.entries(updates)) {
    const next = u.slice();
    for (let i = 0; i < next.length; i++) next[i] = f(next[i] as number);
    out[name] = next;
  }
  return out;
}

const normSpecs: OptionSpecs<ClipByGlobalNormHyper> = {
  maxNorm: { check: nonNegative },
  normType: { default: 2, check: normType },
};

const valueSpecs: OptionSpecs<ClipByValueHyper> = {
  clipValue: { check: nonNegative },
};

/**
 * Scale all incoming updates together so that their global norm is at most
 * `maxNorm` (PyTorch's coefficient maxNorm / (norm + 1e-6), applied when < 1).
 *
 * @example
 * const tx = chain(clipByGlobalNorm({ maxNorm: 1 }), sgd({ lr: 0.1 }));
 */
export function clipByGlobalNorm(
  options: ClipByGlobalNormOptions,
): Transform<ClipState, ClipByGlobalNormHyper> {
  const name = "clipByGlobalNorm";
  const hyper = resolveOptions(name, normSpecs, options);
  const resolve = (overrides?: Partial<ClipByGlobalNormHyper>) =>
    overrides === undefined ? hyper : resolveOptions(name, normSpecs, overrides, undefined, hyper);
  const update = (
    grads: NamedArrays,
    state: ClipState,
    _params: NamedArrays,
    overrides?: Partial<ClipByGlobalNormHyper>,
  ) => {
    const { maxNorm, normType: p } = resolve(overrides);
    const total = globalNorm(Object.values(grads), p);
    const coefficient = clipCoefficient(maxNorm, total);
    const updates = scaled(grads, shouldScale(coefficient) ? (u) => u * coefficient : (u) => u);
    return { updates, state };
  };
  return { name, hyper, resolve, init: () => null, update };
}

/**
 * Clamp every incoming update into [-clipValue, clipValue].
 *
 * @example
 * const tx = chain(clipByValue({ clipValue: 0.5 }), adam());
 */
export function clipByValue(options: ClipByValueOptions): Transform<ClipState, ClipByValueHyper> {
  const name = "clipByValue";
  const hyper = resolveOptions(name, valueSpecs, options);
  const resolve = (overrides?: Partial<ClipByValueHyper>) =>
    overrides === undefined ? hyper : resolveOptions(name, valueSpecs, overrides, undefined, hyper);
  const update = (
    grads: NamedArrays,
    state: ClipState,
    _params: NamedArrays,
    overrides?: Partial<ClipByValueHyper>,
  ) => {
    const { clipValue } = resolve(overrides);
    return { updates: scaled(grads, (u) => Math.min(Math.max(u, -clipValue), clipValue)), state };
  };
  return { name, hyper, resolve, init: () => null, update };
}
