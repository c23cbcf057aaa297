/**
 * Adagrad: torch.optim.Adagrad of PyTorch 1.13 (`_single_tensor_adagrad`,
 * dense gradients). Each coordinate's step shrinks with the sum of its past
 * squared gradients, which suits sparse features such as rare tokens'
 * embedding rows.
 */
import { z } from "@recurrent/registry";
import { type PerParamRule, type PerParamState, perParamTransform } from "./per-param.js";
import type { FloatArray, Transform } from "./transform.js";

/** Options of `adagrad`, declared once; PyTorch's names in camelCase (`lr_decay` → `lrDecay`, …). */
export const adagradSchema = z.object({
  lr: z.number().min(0).default(1e-2).describe("learning rate"),
  lrDecay: z.number().min(0).default(0).describe("step t uses lr / (1 + (t - 1)·lrDecay)"),
  weightDecay: z.number().min(0).default(0).describe("L2 penalty added to the gradient"),
  initialAccumulatorValue: z
    .number()
    .min(0)
    .default(0)
    .describe("starting value of the sum of squared gradients (read by init only)"),
  eps: z
    .number()
    .min(0)
    .default(1e-10)
    .describe("added to the denominator for numerical stability"),
  maximize: z.boolean().default(false).describe("ascend the objective instead of descending it"),
});

/** Options of `adagrad`, as a user writes them. */
export type AdagradOptions = z.input<typeof adagradSchema>;
/** Options of `adagrad` with every default filled in. */
export type AdagradHyper = z.output<typeof adagradSchema>;

export interface AdagradParamState {
  /** Steps taken by this parameter (t). */
  step: number;
  /** Sum of squared gradients G (PyTorch's `sum`). */
  sum: FloatArray;
}

export type AdagradState = PerParamState<AdagradParamState>;

const rule: PerParamRule<AdagradHyper, AdagradParamState> = {
  name: "adagrad",
  schema: adagradSchema,
  initParam: (param, h) => {
    const sum =
      param instanceof Float64Array
        ? new Float64Array(param.length)
        : new Float32Array(param.length);
    sum.fill(h.initialAccumulatorValue);
    return { step: 0, sum };
  },
  /*
   *   t ← t + 1;  g ← -∇ if maximize else ∇
   *   g ← g + λ·p                          (weightDecay λ ≠ 0)
   *   η = lr / (1 + (t − 1)·lrDecay)
   *   G ← G + g²
   *   u = −η·g / (√G + ε)
   */
  updateParam(grad, state, param, h, out) {
    const { lr, lrDecay, weightDecay, eps } = h;
    const sign = h.maximize ? -1 : 1;
    state.step += 1;
    const clr = lr / (1 + (state.step - 1) * lrDecay);
    const negClr = -clr;
    const sum = state.sum;
    for (let i = 0; i < param.length; i++) {
      let g = sign * (grad[i] as number);
      if (weightDecay !== 0) g = g + weightDecay * (param[i] as number);
      sum[i] = (sum[i] as number) + 1 * g * g;
      const std = Math.sqrt(sum[i] as number) + eps;
      out[i] = (negClr * g) / std;
    }
  },
};

/**
 * Adagrad as a pure transform (PyTorch 1.13 defaults: lr 1e-2, lrDecay 0,
 * weightDecay 0, initialAccumulatorValue 0, eps 1e-10).
 *
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), adagrad({ lr: 0.1 }));
 */
export function adagrad(options: AdagradOptions = {}): Transform<AdagradState, AdagradHyper> {
  return perParamTransform(rule, options);
}
