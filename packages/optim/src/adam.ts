/**
 * Adam (and, through `adamFamily`, AdamW): torch.optim.Adam of PyTorch 1.13
 * (`_single_tensor_adam`), step for step, with the AMSGrad variant and L2
 * weight decay. The default choice for training recurrent networks, whose
 * gradients differ in scale by orders of magnitude across time and gates.
 */
import { z } from "@recurrent/registry";
import { type PerParamRule, type PerParamState, perParamTransform } from "./per-param.js";
import { type FloatArray, type Transform, zerosLike } from "./transform.js";

/** Adam's (and AdamW's) options; PyTorch's names in camelCase (`weight_decay` → `weightDecay`). */
function adamFamilySchema(weightDecay: number, what: string) {
  return z.object({
    lr: z.number().min(0).default(1e-3).describe("learning rate"),
    betas: z
      .tuple([z.number().min(0).lt(1).describe("beta1"), z.number().min(0).lt(1).describe("beta2")])
      .default([0.9, 0.999])
      .describe("decay rates (beta1, beta2) of the first and second moment averages"),
    eps: z
      .number()
      .min(0)
      .default(1e-8)
      .describe("added to the denominator for numerical stability"),
    weightDecay: z.number().min(0).default(weightDecay).describe(what),
    amsgrad: z
      .boolean()
      .default(false)
      .describe("use the running maximum of the second moment (AMSGrad)"),
    maximize: z.boolean().default(false).describe("ascend the objective instead of descending it"),
  });
}

/** Adam's options, declared once: the plain `adam(...)` and the registry entry both parse it. */
export const adamSchema = adamFamilySchema(0, "L2 penalty added to the gradient");
/** AdamW's options: Adam's, with weightDecay defaulting to 1e-2 (decoupled). */
export const adamwSchema = adamFamilySchema(
  1e-2,
  "decoupled weight decay: p shrinks by lr·weightDecay each step",
);

/** Options of `adam`, as a user writes them. */
export type AdamOptions = z.input<typeof adamSchema>;
/** Options of `adam` with every default filled in. */
export type AdamHyper = z.output<typeof adamSchema>;

export interface AdamParamState {
  /** Steps taken by this parameter (t). */
  step: number;
  /** First moment m (PyTorch's `exp_avg`). */
  expAvg: FloatArray;
  /** Second moment v (`exp_avg_sq`). */
  expAvgSq: FloatArray;
  /** Running max of v under AMSGrad (`max_exp_avg_sq`), else null. */
  maxExpAvgSq: FloatArray | null;
}

export type AdamState = PerParamState<AdamParamState>;

/**
 * The Adam update, with weight decay either added to the gradient (Adam,
 * `decoupled` false) or applied to the parameter (AdamW):
 *
 *   g ← -∇ if maximize else ∇;   t ← t + 1
 *   g ← g + λ·p                                  (Adam, λ ≠ 0)
 *   p ← p·(1 − lr·λ)                             (AdamW)
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   v̂ ← max(v̂, v) under AMSGrad, else v̂ = v
 *   denom = √v̂ / √(1 − β2ᵗ) + ε
 *   p ← p − (lr / (1 − β1ᵗ))·m / denom
 */
export function adamFamily(
  name: string,
  decoupled: boolean,
): PerParamRule<AdamHyper, AdamParamState> {
  return {
    name,
    schema: decoupled ? adamwSchema : adamSchema,
    initParam: (param, h) => ({
      step: 0,
      expAvg: zerosLike(param),
      expAvgSq: zerosLike(param),
      maxExpAvgSq: h.amsgrad ? zerosLike(param) : null,
    }),
    updateParam(grad, state, param, h, out) {
      const { lr, eps, weightDecay, amsgrad } = h;
      const [beta1, beta2] = h.betas;
      const sign = h.maximize ? -1 : 1;
      state.step += 1;
      const step = state.step;
      const m = state.expAvg;
      const v = state.expAvgSq;
      if (amsgrad && state.maxExpAvgSq === null) state.maxExpAvgSq = zerosLike(param);
      const vMax = amsgrad ? (state.maxExpAvgSq as FloatArray) : v;
      const stepSize = lr / (1 - beta1 ** step);
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
      const negStepSize = -stepSize;
      const oneMinusBeta1 = 1 - beta1;
      const oneMinusBeta2 = 1 - beta2;
      const decay = decoupled ? lr * weightDecay : 0;
      const l2 = decoupled ? 0 : weightDecay;
      if (sign === 1 && l2 === 0 && decay === 0 && !amsgrad && m instanceof Float32Array) {
        plainAdam32(
          grad,
          m,
          v as Float32Array,
          out,
          beta1,
          beta2,
          negStepSize,
          biasCorrection2Sqrt,
          eps,
        );
        return;
      }
      for (let i = 0; i < param.length; i++) {
        const p = param[i] as number;
        let g = sign * (grad[i] as number);
        if (l2 !== 0) g = g + l2 * p;
        m[i] = (m[i] as number) * beta1 + oneMinusBeta1 * g;
        v[i] = (v[i] as number) * beta2 + oneMinusBeta2 * g * g;
        if (amsgrad && (v[i] as number) > (vMax[i] as number)) vMax[i] = v[i] as number;
        const denom = Math.sqrt(vMax[i] as number) / biasCorrection2Sqrt + eps;
        const move = (negStepSize * (m[i] as number)) / denom;
        // AdamW: p·(1 − lr·λ) − p = −lr·λ·p, folded into the same update.
        out[i] = decay !== 0 ? -decay * p + move : move;
      }
    },
  };
}

/**
 * The loop above for its most common case (float32 moments, no weight decay, no AMSGrad, not
 * maximizing), with nothing left to branch on: the same arithmetic, rounded the same way, at
 * about twice the speed.
 */
function plainAdam32(
  grad: FloatArray,
  m: Float32Array,
  v: Float32Array,
  out: FloatArray,
  beta1: number,
  beta2: number,
  negStepSize: number,
  biasCorrection2Sqrt: number,
  eps: number,
): void {
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  for (let i = 0; i < out.length; i++) {
    const g = grad[i] as number;
    const mi = Math.fround((m[i] as number) * beta1 + oneMinusBeta1 * g);
    const vi = Math.fround((v[i] as number) * beta2 + oneMinusBeta2 * g * g);
    m[i] = mi;
    v[i] = vi;
    out[i] = (negStepSize * mi) / (Math.sqrt(vi) / biasCorrection2Sqrt + eps);
  }
}

const rule = adamFamily("adam", false);

/**
 * Adam as a pure transform (torch.optim.Adam's update, PyTorch 1.13 defaults:
 * lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0).
 *
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), adam({ lr: 3e-3 }));
 */
export function adam(options: AdamOptions = {}): Transform<AdamState, AdamHyper> {
  return perParamTransform(rule, options);
}
