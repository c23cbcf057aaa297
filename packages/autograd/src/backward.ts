/**
 * The backward pass: order the tape's nodes so each runs after every node
 * that consumed its outputs, then push gradients from the root to the
 * leaves, accumulating with + where a value fanned out (micrograd's rule),
 * and checking the shape of every gradient against its input.
 */
import { add, contiguous, keep, onesLike, type Tensor } from "@recurrent/tensor";
import { AutogradError } from "./errors.js";
// Importing the tape installs it as the recorder of @recurrent/tensor.
import "./tape.js";
import { checkBackward } from "./finite.js";
import { isRetained, runHooks } from "./hooks.js";
import { isCheckingFinite, noGrad } from "./mode.js";
import { type Node, nodeOf } from "./node.js";

export interface BackwardOptions {
  /**
   * Keep what the graph's custom ops saved (a fused sequence's activations), so that a second
   * backward through the same graph works. By default, as in PyTorch, each such op frees its
   * saved buffers as soon as its backward has run, which lowers the peak memory of a step.
   */
  readonly retainGraph?: boolean;
}

/**
 * Compute ∂root/∂leaf for every leaf that requires a gradient and add it to
 * the leaf's `.grad`. `root` must hold one element unless `grad` (∂L/∂root)
 * is given.
 *
 * @example
 * const loss = mean(square(sub(matMul(x, w), y)));
 * backward(loss);
 * w.grad; // ∂loss/∂w
 */
export function backward(root: Tensor, grad?: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new AutogradError(
      "NO_GRAD",
      "backward: this tensor does not require a gradient: no leaf it depends on has requiresGrad set, or it was computed inside noGrad()",
    );
  }
  if (grad === undefined && root.size !== 1) {
    throw new AutogradError(
      "NOT_SCALAR",
      `backward: expected a scalar (one element) to differentiate, got shape [${root.shape.join(",")}]; pass the gradient of the output as the second argument`,
    );
  }
  noGrad(() => run(root, grad ?? onesLike(root), options.retainGraph === true));
}

function run(root: Tensor, seed: Tensor, retainGraph: boolean): void {
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const leaves = new Set<Tensor>();
  if (nodeOf(root) === null) leaves.add(root);
  for (const node of reverseTopologicalOrder(root)) {
    const outputGrads = node.outputs.map((output) => {
      const g = grads.get(output);
      if (g === undefined) return null;
      grads.delete(output);
      const hooked = runHooks(output, g);
      if (isRetained(output)) storeGrad(output, hooked);
      return hooked;
    });
    if (outputGrads.every((g) => g === null)) continue;
    if (node.released) {
      throw new AutogradError(
        "GRAPH_FREED",
        `backward: ${node.op} freed its saved buffers after an earlier backward through this graph; pass { retainGraph: true } to the first backward to run a second one, or run the forward again`,
      );
    }
    const inputGrads = node.backward(outputGrads);
    if (!retainGraph && node.release !== undefined) {
      node.released = true;
      node.release();
    }
    node.inputs.forEach((input, i) => {
      const g = inputGrads[i];
      if (g === null || g === undefined || !input.requiresGrad) return;
      checkGrad(node, i, input, g);
      const previous = grads.get(input);
      grads.set(input, previous === undefined ? g : add(previous, g));
      if (nodeOf(input) === null) leaves.add(input);
    });
  }
  for (const leaf of leaves) {
    const g = grads.get(leaf);
    if (g !== undefined) storeGrad(leaf, runHooks(leaf, g));
  }
}

/** Add `g` into `tensor.grad`, as a contiguous tensor that outlives any tidy scope. */
function storeGrad(tensor: Tensor, g: Tensor): void {
  const previous = tensor.grad;
  const next = previous === null ? contiguous(g) : add(previous, g);
  // A gradient that is a view shares storage with something the scope will free; copy it.
  tensor.grad = keep(next === g ? copyOf(g) : next);
  if (previous !== null && previous !== tensor.grad) previous.dispose();
}

function copyOf(t: Tensor): Tensor {
  return add(t, 0);
}

function checkGrad(node: Node, i: number, input: Tensor, g: Tensor): void {
  const same = g.rank === input.rank && g.shape.every((d, j) => d === input.shape[j]);
  if (!same) {
    throw new AutogradError(
      "GRAD_SHAPE",
      `${node.op} (backward): gradient for input ${i} is [${g.shape.join(",")}], but the input is [${input.shape.join(",")}]`,
    );
  }
  if (isCheckingFinite()) checkBackward(node.op, i, g);
}

/** Nodes reachable from `root`, each after all nodes that use its outputs (iterative DFS: graphs are deep). */
function reverseTopologicalOrder(root: Tensor): Node[] {
  const start = nodeOf(root);
  if (start === null) return [];
  const order: Node[] = [];
  const visited = new Set<Node>([start]);
  const stack: { node: Node; next: number }[] = [{ node: start, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { node: Node; next: number };
    const inputs = top.node.inputs;
    if (top.next < inputs.length) {
      const child = nodeOf(inputs[top.next++] as Tensor);
      if (child !== null && !visited.has(child)) {
        visited.add(child);
        stack.push({ node: child, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order.reverse();
}
