/**
 * Helpers shared by the op files: allocating an output on the active
 * backend, turning JavaScript numbers into tensors, and the checks every op
 * repeats (live inputs, matching dtypes).
 */
import { getBackend } from "../backend.js";
import type { DType } from "../dtype.js";
import { check } from "../errors.js";
import { type Shape, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";

/** A fresh contiguous tensor of `shape` on the active backend (contents unspecified). */
export function empty(shape: Shape, dtype: DType = "float32"): Tensor {
  return new Tensor(getBackend().alloc(dtype, sizeOf(shape)), shape);
}

export type TensorLike = Tensor | number;

/** `x` itself, or a scalar tensor of `dtype` holding it. */
export function toTensor(x: TensorLike, dtype: DType): Tensor {
  if (typeof x !== "number") return x;
  const t = empty([], dtype);
  t.storage.array[0] = x;
  return t;
}

export function assertLive(op: string, ...inputs: Tensor[]): void {
  for (const t of inputs) t.assertLive(op);
}

export function assertSameDType(op: string, a: Tensor, b: Tensor): void {
  check(a.dtype === b.dtype, "DTYPE", () => {
    return `${op}: dtypes differ: a is ${a.dtype}, b is ${b.dtype} (convert one with cast())`;
  });
}

export function assertFloat(op: string, x: Tensor): void {
  check(
    x.dtype !== "int32",
    "DTYPE",
    () => `${op}: expected a float32 or float64 tensor, got ${x.dtype}`,
  );
}
