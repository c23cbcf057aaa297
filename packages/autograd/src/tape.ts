/**
 * The tape: installed into @recurrent/tensor as its op recorder when this
 * package is imported. Each recorded op becomes a Node whose backward looks
 * up the op's rule and evaluates only the thunks of inputs that need a
 * gradient.
 */
import {
  type OpAttrs,
  type OpName,
  type Recorder,
  setRecorder,
  type Tensor,
} from "@recurrent/tensor";
import { checkForward } from "./finite.js";
import { isCheckingFinite, isGradEnabled } from "./mode.js";
import { Node } from "./node.js";
import { rules } from "./rules/index.js";
import type { Rule } from "./rules/rule.js";

const tape: Recorder = {
  record<K extends OpName>(
    op: K,
    inputs: readonly Tensor[],
    attrs: OpAttrs[K],
    output: Tensor,
  ): void {
    if (!isGradEnabled()) return;
    if (isCheckingFinite()) checkForward(op, inputs, output);
    const rule = rules[op] as Rule<K>;
    const node = new Node(op, inputs, [output], (grads) => {
      const dy = grads[0];
      if (dy === null || dy === undefined) return inputs.map(() => null);
      const thunks = rule({ dy, inputs, output, attrs });
      return thunks.map((thunk, i) => (thunk !== null && inputs[i]?.requiresGrad ? thunk() : null));
    });
    output.requiresGrad = true;
    output.gradFn = node;
  },
};

setRecorder(tape);

/** Attach `node` as the origin of `outputs` (used by custom ops). */
export function attach(node: Node): void {
  for (const output of node.outputs) {
    output.requiresGrad = true;
    output.gradFn = node;
  }
}
