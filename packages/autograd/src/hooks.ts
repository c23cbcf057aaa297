/**
 * Hooks on intermediate values: a function called with ∂L/∂t once the
 * backward pass has the whole gradient of t. This is how the sequence
 * runner measures ‖∂L/∂h_t‖ for every time step.
 */
import type { Tensor } from "@recurrent/tensor";

/** Return a tensor to replace the gradient flowing on, or nothing to only observe it. */
export type GradHook = (grad: Tensor) => Tensor | undefined;

const hooks = new WeakMap<Tensor, GradHook[]>();
const retained = new WeakSet<Tensor>();

/**
 * Call `hook` with ∂L/∂`tensor` during each backward pass; returns a function
 * that removes the hook.
 *
 * @example
 * const norms: number[] = [];
 * registerHook(h, (g) => { norms.push(norm(g).item()); });
 */
export function registerHook(tensor: Tensor, hook: GradHook): () => void {
  const list = hooks.get(tensor) ?? [];
  list.push(hook);
  hooks.set(tensor, list);
  return () => {
    const at = list.indexOf(hook);
    if (at >= 0) list.splice(at, 1);
  };
}

/** Keep the gradient of an intermediate (non-leaf) tensor in its `.grad`, as leaves do. */
export function retainGrad(tensor: Tensor): Tensor {
  retained.add(tensor);
  return tensor;
}

/** @internal run the hooks of `tensor` over `grad`. */
export function runHooks(tensor: Tensor, grad: Tensor): Tensor {
  const list = hooks.get(tensor);
  if (list === undefined) return grad;
  let current = grad;
  for (const hook of [...list]) current = hook(current) ?? current;
  return current;
}

export function isRetained(tensor: Tensor): boolean {
  return retained.has(tensor);
}
