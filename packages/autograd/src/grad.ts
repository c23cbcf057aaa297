/** Small helpers around leaves: mark, detach, and clear gradients. */
import { Tensor } from "@recurrent/tensor";

/** Mark `tensor` as a leaf whose gradient `backward` computes; returns it. */
export function requireGrad<T extends Tensor>(tensor: T, on = true): T {
  tensor.requiresGrad = on;
  return tensor;
}

/**
 * The same values, cut from the tape: gradients do not flow back through
 * the result. Truncated BPTT detaches the carried state this way.
 */
export function detach(tensor: Tensor): Tensor {
  return new Tensor(tensor.storage, tensor.shape, tensor.strides, tensor.offset);
}

/** Drop the accumulated gradients of `tensors` (and free their memory). */
export function zeroGrad(tensors: Iterable<Tensor>): void {
  for (const t of tensors) {
    t.grad?.dispose();
    t.grad = null;
  }
}
