/**
 * Custom differentiable ops with a hand-written backward: how fused kernels
 * (a whole LSTM sequence in one op) and plugin authors add operations the
 * built-in rules do not cover. The forward runs unrecorded; one tape node
 * stands for the whole op, however many outputs it has.
 */
import type { Tensor } from "@recurrent/tensor";
import { checkForward } from "./finite.js";
import { isCheckingFinite, isGradEnabled, noGrad } from "./mode.js";
import { Node } from "./node.js";
import { attach } from "./tape.js";

export interface ForwardResult<TSaved> {
  readonly outputs: readonly Tensor[];
  /** Anything the backward needs besides inputs and outputs (workspace, masks, …). */
  readonly saved?: TSaved;
}

export interface BackwardContext<TAttrs, TSaved> {
  /** ∂L/∂output for each output; null where an output received no gradient (treat as zero). */
  readonly grads: readonly (Tensor | null)[];
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: TAttrs;
  readonly saved: TSaved | undefined;
  /** Whether input i needs a gradient (skip the work otherwise). */
  needsGrad(i: number): boolean;
}

export interface CustomOpSpec<TAttrs, TSaved> {
  readonly name: string;
  forward(inputs: readonly Tensor[], attrs: TAttrs): ForwardResult<TSaved>;
  /** ∂L/∂input for each input, shaped like that input; null for none. */
  backward(ctx: BackwardContext<TAttrs, TSaved>): readonly (Tensor | null)[];
  /**
   * Free what `forward` saved for the backward (and only that: never an input, an output or
   * a tensor someone else holds). Called once the backward has run, unless it was asked to
   * `retainGraph` (a second backward through the op then fails with GRAPH_FREED, as in
   * PyTorch), and at once when nothing is recorded (under noGrad, or no input needs a
   * gradient). Without it, saved buffers live as long as the outputs' scope.
   */
  release?(saved: TSaved | undefined, attrs: TAttrs): void;
}

export type CustomOp<TAttrs> = (inputs: readonly Tensor[], attrs: TAttrs) => Tensor[];

/**
 * @example
 * // y = x³, with dy/dx = 3x² written by hand
 * const cube = defineOp<Record<string, never>, never>({
 *   name: "cube",
 *   forward: ([x]) => ({ outputs: [mul(x, mul(x, x))] }),
 *   backward: ({ grads: [g], inputs: [x] }) => [mul(g, mul(square(x), 3))],
 * });
 * const [y] = cube([x], {});
 */
export function defineOp<TAttrs = Record<string, never>, TSaved = unknown>(
  spec: CustomOpSpec<TAttrs, TSaved>,
): CustomOp<TAttrs> {
  return (inputs, attrs) => {
    const { outputs, saved } = noGrad(() => spec.forward(inputs, attrs));
    const needsGrad = inputs.some((t) => t.requiresGrad);
    if (!isGradEnabled() || !needsGrad) {
      spec.release?.(saved, attrs); // no backward will ever read it
      return [...outputs];
    }
    if (isCheckingFinite()) for (const output of outputs) checkForward(spec.name, inputs, output);
    const release = spec.release;
    const node = new Node(
      spec.name,
      inputs,
      outputs,
      (grads) =>
        spec.backward({
          grads,
          inputs,
          outputs,
          attrs,
          saved,
          needsGrad: (i) => inputs[i]?.requiresGrad ?? false,
        }),
      release === undefined ? undefined : () => release.call(spec, saved, attrs),
    );
    attach(node);
    return [...outputs];
  };
}
