/** Gradients of softmax and log-softmax along an axis. */
import { exp, mul, sub, sum } from "@recurrent/tensor";
import type { RuleGroup } from "./rule.js";

export const softmaxRules: RuleGroup<"Softmax" | "LogSoftmax"> = {
  // y = softmax x: dx = y · (dy − Σ dy·y)
  Softmax: (c) => [
    () => mul(c.output, sub(c.dy, sum(mul(c.dy, c.output), c.attrs.axis, { keepDims: true }))),
  ],
  // y = log softmax x: dx = dy − eʸ · Σ dy
  LogSoftmax: (c) => [
    () => sub(c.dy, mul(exp(c.output), sum(c.dy, c.attrs.axis, { keepDims: true }))),
  ],
};
