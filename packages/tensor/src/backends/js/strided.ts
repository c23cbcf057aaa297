/**
 * Walking a strided view in row-major order of a target shape. The kernels
 * use `offsets` to turn any view (transposed, sliced, broadcast with zero
 * strides) into the list of storage positions it reads, then loop plainly.
 */
import type { View } from "../../backend.js";
import { broadcastStrides, type Shape, sizeOf } from "../../shape.js";

/** True when `view` can be read as a plain run of `size` elements from its offset. */
export function isDense(view: View, shape: Shape = view.shape): boolean {
  if (view.shape.length !== shape.length) return false;
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (view.shape[i] !== shape[i]) return false;
    const d = shape[i] as number;
    if (d !== 1 && view.strides[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/**
 * Storage positions of every element of `view` read as `target` shape
 * (broadcasting where `view` has size-1 or missing axes), in row-major order.
 */
export function offsets(view: View, target: Shape = view.shape): Int32Array {
  const strides = broadcastStrides(view.shape, view.strides, target);
  const rank = target.length;
  const out = new Int32Array(sizeOf(target));
  if (out.length === 0) return out;
  const index = new Int32Array(rank);
  let position = view.offset;
  for (let i = 0; i < out.length; i++) {
    out[i] = position;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      position += strides[axis] as number;
      if ((index[axis] as number) < (target[axis] as number)) break;
      position -= (strides[axis] as number) * (target[axis] as number);
      index[axis] = 0;
    }
  }
  return out;
}
