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

/** A view read row by row: where each row of the target shape starts, and the step along a row. */
export interface Rows {
  /** Storage position of the first element of each row (rows = size / width). */
  readonly starts: Int32Array;
  /** Elements per row (the target's last dimension; 1 for a scalar). */
  readonly width: number;
  /** Storage step between neighbours in a row (0 when the last axis is broadcast). */
  readonly step: number;
}

/**
 * `view` read as `target` (broadcasting), one entry per row: the offset list
 * of `offsets` divided by the row width, so kernels loop over a row with a
 * constant step instead of reading an index per element.
 */
export function rows(view: View, target: Shape = view.shape): Rows {
  if (target.length === 0) return { starts: Int32Array.of(view.offset), width: 1, step: 0 };
  const strides = broadcastStrides(view.shape, view.strides, target);
  const width = target[target.length - 1] as number;
  const outer = target.slice(0, -1);
  const starts = offsets(
    {
      storage: view.storage,
      dtype: view.dtype,
      offset: view.offset,
      shape: outer,
      strides: strides.slice(0, -1),
    },
    outer,
  );
  return { starts, width, step: strides[strides.length - 1] as number };
}
