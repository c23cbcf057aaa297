/**
 * Clipping as pure transforms, for `chain`: the same norm and coefficient as
 * `clipGradNorm` and the same clamp as `clipGradValue`, applied to the
 * incoming updates (fresh arrays out, nothing modified in place, no state).
 * Use these when the whole update rule should be one saved transform; use
 * the tensor functions when you also want the norm for logging.
 */
import { z } from "@recurrent/registry";
import { clipBound, clipCoefficient, globalNorm, normType, shouldScale } from "./norm.js";
import { parseOptions } from "./schema-options.js";
import type { FloatArray, NamedArrays, Transform } from "./transform.js";

/** Options of `clipByGlobalNorm` (and, with errorIfNonfinite, of `clipGradNorm`), declared once. */
export const clipByGlobalNormSchema = z.object({
  maxNorm: clipBound.describe("the largest global norm let through"),
  normType: normType.default(2),
});

/** Options of `clipByGlobalNorm`, as a user writes them. */
export type ClipByGlobalNormOptions = z.input<typeof clipByGlobalNormSchema>;
/** Options of `clipByGlobalNorm` with every default filled in. */
export type ClipByGlobalNormHyper = z.output<typeof clipByGlobalNormSchema>;

/** Options of `clipByValue` (and `clipGradValue`), declared once. */
export const clipByValueSchema = z.object({
  clipValue: clipBound.describe("values are clamped into [-clipValue, clipValue]"),
});

/** Options of `clipByValue`, as a user writes them. */
export type ClipByValueOptions = z.input<typeof clipByValueSchema>;
/** Options of `clipByValue` (nothing to default). */
export type ClipByValueHyper = z.output<typeof clipByValueSchema>;

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
  const hyper = parseOptions(name, clipByGlobalNormSchema, options);
  const resolve = (overrides?: Partial<ClipByGlobalNormHyper>) =>
    overrides === undefined ? hyper : parseOptions(name, clipByGlobalNormSchema, overrides, hyper);
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
  const hyper = parseOptions(name, clipByValueSchema, options);
  const resolve = (overrides?: Partial<ClipByValueHyper>) =>
    overrides === undefined ? hyper : parseOptions(name, clipByValueSchema, overrides, hyper);
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
