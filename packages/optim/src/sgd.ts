/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum
 * and L2 weight decay: torch.optim.SGD of PyTorch 1.13 (`_single_tensor_sgd`),
 * step for step. The simplest optimizer, and the baseline the note's RNNs
 * were first trained with.
 */

import { z } from "@recurrent/registry";
import type { PerParamRule, PerParamState } from "./per-param.js";
import { perParamTransform } from "./per-param.js";
import type { FloatArray, Transform } from "./transform.js";

/** Options of `sgd`, declared once; PyTorch's names in camelCase (`weight_decay` → `weightDecay`). */
export const sgdSchema = z
  .object({
    lr: z.number().min(0).describe("learning rate (required, as in PyTorch)"),
    momentum: z.number().min(0).default(0).describe("momentum factor"),
    dampening: z.number().default(0).describe("dampening of the momentum"),
    weightDecay: z.number().min(0).default(0).describe("L2 penalty added to the gradient"),
    nesterov: z
      .boolean()
      .default(false)
      .describe("Nesterov momentum (needs momentum > 0 and dampening 0)"),
    maximize: z.boolean().default(false).describe("ascend the objective instead of descending it"),
  })
  .superRefine((c, ctx) => {
    // The Nesterov rule, once; `plain` words it for the plain API, `message` for the registry.
    if (c.nesterov && (c.momentum <= 0 || c.dampening !== 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["nesterov"],
        message: `requires momentum > 0 and dampening = 0 (momentum is ${c.momentum}, dampening is ${c.dampening})`,
        params: {
          plain: `nesterov requires momentum > 0 and dampening = 0, got momentum ${c.momentum} and dampening ${c.dampening}`,
        },
      });
    }
  });

/** Options of `sgd`, as a user writes them (lr required). */
export type SgdOptions = z.input<typeof sgdSchema>;
/** Options of `sgd` with every default filled in. */
export type SgdHyper = z.output<typeof sgdSchema>;

export interface SgdParamState {
  /** The momentum buffer b; null until the first step (PyTorch starts it at the first gradient). */
  momentumBuffer: FloatArray | null;
}

export type SgdState = PerParamState<SgdParamState>;

const rule: PerParamRule<SgdHyper, SgdParamState> = {
  name: "sgd",
  schema: sgdSchema,
  required: { lr: "lr is required (PyTorch's SGD has no default), e.g. sgd({ lr: 0.01 })" },
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
