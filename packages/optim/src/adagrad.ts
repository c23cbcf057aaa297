/**
 * Adagrad: torch.optim.Adagrad of PyTorch 1.13 (`_single_tensor_adagrad`,
 * dense gradients). Each coordinate's step shrinks with the sum of its past
 * squared gradients, which suits sparse features such as rare tokens'
 * embedding rows.
 */
import { boolean, nonNegative } from "./options.js";
import { type PerParamRule, type PerParamState, perParamTransform } from "./per-param.js";
import type { FloatArray, Transform } from "./transform.js";

/** Options of `adagrad`; PyTorch's names in camelCase (`lr_decay` → `lrDecay`, …). */
export interface AdagradOptions {
  /** Learning rate. Default 1e-2. */
  lr?: number;
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay). Default 0. */
  lrDecay?: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay?: number;
  /** Starting value of the sum of squares (`initial_accumulator_value`), read by init only. Default 0. */
  initialAccumulatorValue?: number;
  /** Added to the denominator for numerical stability. Default 1e-10. */
  eps?: number;
  /** Ascend the objective instead of descending it. Default false. */
  maximize?: boolean;
}

export type AdagradHyper = Required<AdagradOptions>;

export interface AdagradParamState {
  /** Steps taken by this parameter (t). */
  step: number;
  /** Sum of squared gradients G (PyTorch's `sum`). */
  sum: FloatArray;
}

export type AdagradState = PerParamState<AdagradParamState>;

const rule: PerParamRule<AdagradHyper, AdagradParamState> = {
  name: "adagrad",
  specs: {
    lr: { default: 1e-2, check: nonNegative },
    lrDecay: { default: 0, check: nonNegative },
    weightDecay: { default: 0, check: nonNegative },
    initialAccumulatorValue: { default: 0, check: nonNegative },
    eps: { default: 1e-10, check: nonNegative },
    maximize: { default: false, check: boolean },
  },
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
