/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum
 * and L2 weight decay: torch.optim.SGD of PyTorch 1.13 (`_single_tensor_sgd`),
 * step for step. The simplest optimizer, and the baseline the note's RNNs
 * were first trained with.
 */

import { boolean, finite, nonNegative } from "./options.js";
import type { PerParamRule, PerParamState } from "./per-param.js";
import { perParamTransform } from "./per-param.js";
import type { FloatArray, Transform } from "./transform.js";

/** Options of `sgd`; PyTorch's names in camelCase (`weight_decay` → `weightDecay`). */
export interface SgdOptions {
  /** Learning rate; required, as in PyTorch. */
  lr: number;
  /** Momentum factor μ. Default 0 (plain SGD). */
  momentum?: number;
  /** Dampening τ of the momentum. Default 0. */
  dampening?: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening = 0. Default false. */
  nesterov?: boolean;
  /** Ascend the objective instead of descending it. Default false. */
  maximize?: boolean;
}

export type SgdHyper = Required<SgdOptions>;

export interface SgdParamState {
  /** The momentum buffer b; null until the first step (PyTorch starts it at the first gradient). */
  momentumBuffer: FloatArray | null;
}

export type SgdState = PerParamState<SgdParamState>;

const rule: PerParamRule<SgdHyper, SgdParamState> = {
  name: "sgd",
  specs: {
    lr: {
      check: nonNegative,
      required: "lr is required (PyTorch's SGD has no default), e.g. sgd({ lr: 0.01 })",
    },
    momentum: { default: 0, check: nonNegative },
    dampening: { default: 0, check: finite },
    weightDecay: { default: 0, check: nonNegative },
    nesterov: { default: false, check: boolean },
    maximize: { default: false, check: boolean },
  },
  cross: ({ nesterov, momentum, dampening }) =>
    nesterov && (momentum <= 0 || dampening !== 0)
      ? [
          `nesterov requires momentum > 0 and dampening = 0, got momentum ${momentum} and dampening ${dampening}`,
        ]
      : [],
  initParam: () => ({ momentumBuffer: null }),
  /*
   *   g ← -∇ if maximize else ∇
   *   g ← g + λ·p                           (weightDecay λ ≠ 0)
   *   b ← g at the first step, else μ·b + (1 − τ)·g   (momentum μ ≠ 0)
   *   g ← g + μ·b if nesterov, else b
   *   u = −lr·g                              (p ← p + u)
   */
  updateParam(grad, state, param, h, out) {
    const { lr, momentum, dampening, weightDecay, nesterov } = h;
    const sign = h.maximize ? -1 : 1;
    const n = param.length;
    if (momentum === 0) {
      for (let i = 0; i < n; i++) {
        let g = sign * (grad[i] as number);
        if (weightDecay !== 0) g = g + weightDecay * (param[i] as number);
        out[i] = -lr * g;
      }
      return;
    }
    const first = state.momentumBuffer === null;
    const buf =
      state.momentumBuffer ??
      (out instanceof Float64Array ? new Float64Array(n) : new Float32Array(n));
    state.momentumBuffer = buf;
    const keep = 1 - dampening;
    for (let i = 0; i < n; i++) {
      let g = sign * (grad[i] as number);
      if (weightDecay !== 0) g = g + weightDecay * (param[i] as number);
      buf[i] = first ? g : momentum * (buf[i] as number) + keep * g;
      const b = buf[i] as number;
      out[i] = -lr * (nesterov ? g + momentum * b : b);
    }
  },
};

/**
 * SGD as a pure transform (torch.optim.SGD's update, PyTorch 1.13 defaults).
 * Throws OptimError for an invalid option, e.g. `sgd: lr must be >= 0, got -0.1`.
 *
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), sgd({ lr: 0.1, momentum: 0.9 }));
 */
export function sgd(options: SgdOptions): Transform<SgdState, SgdHyper> {
  return perParamTransform(rule, options);
}
