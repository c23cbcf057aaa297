/**
 * The global gradient norm that clipping by norm scales against, shared by
 * `clipGradNorm` (tensors, in place) and `clipByGlobalNorm` (a transform).
 * As torch.nn.utils.clip_grad_norm_: the p-norm of the per-tensor p-norms,
 * i.e. (Σ_tensors Σ_i |g_i|^p)^(1/p), or max |g_i| for p = ∞; accumulated
 * in float64 whatever the gradients' dtype.
 */
import { z } from "@recurrent/registry";
import type { FloatArray } from "./transform.js";

/** PyTorch's clipping coefficient: max_norm / (total_norm + 1e-6), applied when < 1. */
export function clipCoefficient(maxNorm: number, totalNorm: number): number {
  return maxNorm / (totalNorm + 1e-6);
}

/**
 * True when the coefficient must be applied: below 1, or NaN (PyTorch then
 * multiplies by NaN too, which makes the failure visible downstream).
 */
export function shouldScale(coefficient: number): boolean {
  return !(coefficient >= 1);
}

/** The p-norm of one array (p > 0 or Infinity), in float64. */
export function arrayNorm(values: ArrayLike<number>, p: number): number {
  if (p === Number.POSITIVE_INFINITY) {
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i] as number);
      if (a > max || Number.isNaN(a)) max = a;
    }
    return max;
  }
  let sum = 0;
  if (p === 2) {
    for (let i = 0; i < values.length; i++) sum += (values[i] as number) * (values[i] as number);
    return Math.sqrt(sum);
  }
  if (p === 1) {
    for (let i = 0; i < values.length; i++) sum += Math.abs(values[i] as number);
    return sum;
  }
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i] as number) ** p;
  return sum ** (1 / p);
}

/** The p-norm of the per-array p-norms: the norm of all the arrays taken together. */
export function globalNorm(arrays: readonly FloatArray[], p: number): number {
  return arrayNorm(
    arrays.map((a) => arrayNorm(a, p)),
    p,
  );
}

/** A norm type: a number > 0, or Infinity for the max norm. */
export const normType = z
  .custom<number>((v) => typeof v === "number" && v > 0, {
    message: "must be > 0 (Infinity for the max norm)",
  })
  .describe("the p of the p-norm: > 0, or Infinity for the max norm");

/** A clipping bound: a number >= 0, Infinity (never clip) included, as PyTorch allows. */
export const clipBound = z.custom<number>((v) => typeof v === "number" && v >= 0, {
  error: (issue) => (typeof issue.input === "number" ? "must be >= 0" : "must be a number >= 0"),
});
