/**
 * Gradient clipping on tensors, in place, between `backward` and `step`: the
 * remedy the note gives for exploding gradients in backprop through time.
 * `clipGradNorm` is torch.nn.utils.clip_grad_norm_ (same norm, same
 * coefficient, same return value); `clipGradValue` is clip_grad_value_.
 * The pure counterparts for `chain` are in clip-transforms.ts.
 */
import { z } from "@recurrent/registry";
import { keep, type Tensor, tensor } from "@recurrent/tensor";
import { clipByGlobalNormSchema, clipByValueSchema } from "./clip-transforms.js";
import { OptimError } from "./errors.js";
import { arrayNorm, clipCoefficient, shouldScale } from "./norm.js";
import { type ParamsInput, toNamedTensors } from "./params.js";
import { parseOptions } from "./schema-options.js";
import type { FloatArray } from "./transform.js";

/** Options of `clipGradNorm`: clipByGlobalNorm's, and what to do with a NaN or infinite norm. */
const clipGradNormSchema = clipByGlobalNormSchema.extend({
  errorIfNonfinite: z
    .boolean()
    .default(false)
    .describe(
      "throw (code NON_FINITE_NORM) instead of scaling when the total norm is NaN or infinite",
    ),
});

/** What `gradNorm` checks: the norm type alone. */
const normTypeSchema = clipByGlobalNormSchema.pick({ normType: true });

/** Options of `clipGradNorm` besides maxNorm, as a user writes them. */
export type ClipGradNormOptions = Omit<z.input<typeof clipGradNormSchema>, "maxNorm">;

/** The norm of order `p` of all gradients taken together: the norm of the per-tensor norms. */
function totalNorm(withGrads: readonly [string, Tensor][], p: number): number {
  return arrayNorm(
    withGrads.map(([, t]) => arrayNorm((t.grad as Tensor).data(), p)),
    p,
  );
}

/**
 * The total gradient norm that `clipGradNorm` measures, without clipping
 * (parameters without a gradient are skipped; none at all gives 0).
 *
 * @example
 * const norm = gradNorm(model.parameters()); // what a log reports when clipping is off
 */
export function gradNorm(params: ParamsInput, normType = 2): number {
  const where = "gradNorm";
  const { normType: p } = parseOptions(where, normTypeSchema, { normType });
  const withGrads = toNamedTensors(where, params).filter(([, t]) => t.grad !== null);
  return withGrads.length === 0 ? 0 : totalNorm(withGrads, p);
}

/**
 * Scale the gradients of `params` in place so that their global norm is at
 * most `maxNorm`, and return the global norm they had before. The scale is
 * PyTorch's `maxNorm / (totalNorm + 1e-6)`, applied only when below 1.
 * Parameters without a gradient are skipped; with none, returns 0.
 *
 * @example
 * backward(loss);
 * const norm = clipGradNorm(model.namedParameters(), 1.0); // log it: spikes show explosions
 * optimizer.step();
 */
export function clipGradNorm(
  params: ParamsInput,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  const where = "clipGradNorm";
  const { normType: p, errorIfNonfinite } = parseOptions(where, clipGradNormSchema, {
    ...options,
    maxNorm,
  });
  const withGrads = toNamedTensors(where, params).filter(([, t]) => t.grad !== null);
  if (withGrads.length === 0) return 0;
  const total = totalNorm(withGrads, p);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new OptimError(
      "NON_FINITE_NORM",
      `${where}: the total norm of order ${p} of the gradients is ${total}, so it cannot be clipped; find where it came from (setDebug({ checkFinite: true }) in @recurrent/autograd names the op), or pass errorIfNonfinite: false to scale by it anyway`,
    );
  }
  const coefficient = clipCoefficient(maxNorm, total);
  if (shouldScale(coefficient)) {
    for (const [, t] of withGrads) mapGradInPlace(t, (g) => g * coefficient);
  }
  return total;
}

/**
 * Clamp every gradient element of `params` into [-clipValue, clipValue], in
 * place (torch.nn.utils.clip_grad_value_). NaN stays NaN.
 *
 * @example
 * backward(loss);
 * clipGradValue(model.namedParameters(), 0.5);
 * optimizer.step();
 */
export function clipGradValue(params: ParamsInput, clipValue: number): void {
  const where = "clipGradValue";
  parseOptions(where, clipByValueSchema, { clipValue });
  for (const [, p] of toNamedTensors(where, params)) {
    if (p.grad !== null) mapGradInPlace(p, (g) => Math.min(Math.max(g, -clipValue), clipValue));
  }
}

/**
 * Apply `f` to every element of `p.grad` in place. A gradient that is a
 * strided view (which autograd never makes, but a user may assign) is
 * replaced by a contiguous result instead, so shared storage is never
 * written twice.
 */
function mapGradInPlace(p: Tensor, f: (g: number) => number): void {
  const grad = p.grad as Tensor;
  if (!grad.isContiguous) {
    const values = grad.data();
    for (let i = 0; i < values.length; i++) values[i] = f(values[i] as number);
    p.grad = keep(tensor(values, { shape: grad.shape, dtype: grad.dtype }));
    return;
  }
  const values = grad.data() as FloatArray;
  for (let i = 0; i < values.length; i++) values[i] = f(values[i] as number);
}
