/**
 * @recurrent/autograd — reverse-mode differentiation over @recurrent/tensor.
 *
 * Importing this package installs the tape: from then on, every op whose
 * input has `requiresGrad` set is recorded, and `backward(loss)` fills the
 * `.grad` of the leaves.
 */
import "./tape.js";

export { type BackwardOptions, backward } from "./backward.js";
export type { BackwardContext, CustomOp, CustomOpSpec, ForwardResult } from "./custom-op.js";
export { defineOp } from "./custom-op.js";
export type { AutogradErrorCode } from "./errors.js";
export { AutogradError } from "./errors.js";
export { detach, requireGrad, zeroGrad } from "./grad.js";
export type { GradcheckFailure, GradcheckOptions, GradcheckResult } from "./gradcheck.js";
export { gradcheck } from "./gradcheck.js";
export type { GradHook } from "./hooks.js";
export { registerHook, retainGrad } from "./hooks.js";
export type { DebugOptions } from "./mode.js";
export { enableGrad, isGradEnabled, noGrad, setDebug } from "./mode.js";
export type { Rule, RuleContext, Thunk } from "./rules/rule.js";
export { unbroadcast } from "./rules/rule.js";
