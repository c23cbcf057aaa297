/**
 * A node of the tape: one recorded op (built-in or custom), its inputs, its
 * outputs, and how to turn the gradients of its outputs into gradients of
 * its inputs. Each output tensor points back at its node through `gradFn`.
 */
import type { GradNode, Tensor } from "@recurrent/tensor";

/** Gradients for the outputs in, gradients for the inputs out (null: none / not needed). */
export type BackwardFn = (outputGrads: readonly (Tensor | null)[]) => readonly (Tensor | null)[];

export class Node implements GradNode {
  /** Set once `release` has freed what the backward needs: a second backward through it fails. */
  released = false;

  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly outputs: readonly Tensor[],
    readonly backward: BackwardFn,
    /** Frees what only the backward needed (a custom op's saved buffers), as PyTorch does. */
    readonly release?: () => void,
  ) {}
}

export function nodeOf(tensor: Tensor): Node | null {
  return tensor.gradFn instanceof Node ? tensor.gradFn : null;
}
