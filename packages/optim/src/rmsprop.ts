/**
 * RMSprop: torch.optim.RMSprop of PyTorch 1.13 (`_single_tensor_rmsprop`),
 * with the centered variant and momentum. Hinton's lecture optimizer, long
 * the standard for recurrent networks (Graves 2013 trained LSTMs with it).
 */
import { z } from "@recurrent/registry";
import { type PerParamRule, type PerParamState, perParamTransform } from "./per-param.js";
import { type FloatArray, type Transform, zerosLike } from "./transform.js";

/** Options of `rmsprop`, declared once; PyTorch's names in camelCase (`weight_decay` → `weightDecay`). */
export const rmspropSchema = z.object({
  lr: z.number().min(0).default(1e-2).describe("learning rate"),
  alpha: z
    .number()
    .min(0)
    .default(0.99)
    .describe("smoothing constant of the squared-gradient average"),
  eps: z.number().min(0).default(1e-8).describe("added to the denominator for numerical stability"),
  weightDecay: z.number().min(0).default(0).describe("L2 penalty added to the gradient"),
  momentum: z.number().min(0).default(0).describe("momentum factor"),
  centered: z.boolean().default(false).describe("normalise by the gradient's estimated variance"),
  maximize: z.boolean().default(false).describe("ascend the objective instead of descending it"),
});

/** Options of `rmsprop`, as a user writes them. */
export type RmspropOptions = z.input<typeof rmspropSchema>;
/** Options of `rmsprop` with every default filled in. */
export type RmspropHyper = z.output<typeof rmspropSchema>;

export interface RmspropParamState {
  /** Steps taken by this parameter. */
  step: number;
  /** Average of g² (PyTorch's `square_avg`). */
  squareAvg: FloatArray;
  /** Momentum buffer b when momentum > 0 (`momentum_buffer`), else null. */
  momentumBuffer: FloatArray | null;
  /** Average of g when centered (`grad_avg`), else null. */
  gradAvg: FloatArray | null;
}

export type RmspropState = PerParamState<RmspropParamState>;

const rule: PerParamRule<RmspropHyper, RmspropParamState> = {
  name: "rmsprop",
  schema: rmspropSchema,
  initParam: (param, h) => ({
    step: 0,
    squareAvg: zerosLike(param),
    momentumBuffer: h.momentum > 0 ? zerosLike(param) : null,
    gradAvg: h.centered ? zerosLike(param) : null,
  }),
  /*
   *   g ← -∇ if maximize else ∇
   *   g ← g + λ·p                          (weightDecay λ ≠ 0)
   *   s ← α·s + (1 − α)·g²
   *   a ← α·a + (1 − α)·g;  d = √(s − a²) + ε     (centered)
   *                         d = √s + ε            (otherwise)
   *   b ← μ·b + g/d;  u = −lr·b              (momentum μ > 0)
   *   u = −lr·g/d                            (otherwise)
   */
  updateParam(grad, state, param, h, out) {
    const { lr, alpha, eps, weightDecay, momentum, centered } = h;
    const sign = h.maximize ? -1 : 1;
    state.step += 1;
    if (centered && state.gradAvg === null) state.gradAvg = zerosLike(param);
    if (momentum > 0 && state.momentumBuffer === null) state.momentumBuffer = zerosLike(param);
    const s = state.squareAvg;
    const a = state.gradAvg as FloatArray;
    const b = state.momentumBuffer as FloatArray;
    const oneMinusAlpha = 1 - alpha;
    for (let i = 0; i < param.length; i++) {
      let g = sign * (grad[i] as number);
      if (weightDecay !== 0) g = g + weightDecay * (param[i] as number);
      s[i] = (s[i] as number) * alpha + oneMinusAlpha * g * g;
      let avg: number;
      if (centered) {
        a[i] = (a[i] as number) * alpha + oneMinusAlpha * g;
        const ai = a[i] as number;
        avg = Math.sqrt((s[i] as number) + -1 * ai * ai);
      } else {
        avg = Math.sqrt(s[i] as number);
      }
      avg = avg + eps;
      if (momentum > 0) {
        b[i] = (b[i] as number) * momentum + g / avg;
        out[i] = -lr * (b[i] as number);
      } else {
        out[i] = (-lr * g) / avg;
      }
    }
  },
};

/**
 * RMSprop as a pure transform (PyTorch 1.13 defaults: lr 1e-2, alpha 0.99,
 * eps 1e-8, weightDecay 0, momentum 0, centered false).
 *
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), rmsprop({ lr: 1e-3, centered: true }));
 */
export function rmsprop(options: RmspropOptions = {}): Transform<RmspropState, RmspropHyper> {
  return perParamTransform(rule, options);
}
