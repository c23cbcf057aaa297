/**
 * AdamW: Adam with weight decay decoupled from the gradient (Loshchilov &
 * Hutter), torch.optim.AdamW of PyTorch 1.13 (`_single_tensor_adamw`). The
 * parameter shrinks by lr·λ each step before the Adam move, so the decay is
 * not rescaled by the adaptive denominator. The equations are in adam.ts.
 */
import type { z } from "@recurrent/registry";
import { type AdamHyper, type AdamState, adamFamily, type adamwSchema } from "./adam.js";
import { perParamTransform } from "./per-param.js";
import type { Transform } from "./transform.js";

/** Options of `adamw`: Adam's, with weightDecay defaulting to 1e-2. */
export type AdamWOptions = z.input<typeof adamwSchema>;

const rule = adamFamily("adamw", true);

/**
 * AdamW as a pure transform (PyTorch 1.13 defaults: lr 1e-3, betas
 * [0.9, 0.999], eps 1e-8, weightDecay 1e-2).
 *
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), adamw({ lr: 1e-3, weightDecay: 0.1 }));
 */
export function adamw(options: AdamWOptions = {}): Transform<AdamState, AdamHyper> {
  return perParamTransform(rule, options);
}
