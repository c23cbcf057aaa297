/**
 * Indexing with int32 index tensors: gather (index-select along an axis,
 * which is the embedding lookup), its adjoint scatterAdd (how an embedding
 * receives its gradient), and oneHot.
 */
import { kernel } from "../backend.js";
import { check, fmt } from "../errors.js";
import { recordOp } from "../record.js";
import { checkShape, normalizeAxis, type Shape, sameShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { assertLive, empty } from "./util.js";

function checkIndices(op: string, indices: Tensor, extent: number, where: () => string): void {
  check(
    indices.dtype === "int32",
    "DTYPE",
    () => `${op}: indices must be int32, got ${indices.dtype}`,
  );
  const data = indices.data();
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < 0 || v >= extent) {
      check(
        false,
        "ARGUMENT",
        () =>
          `${op}: index ${v} is out of range for ${where()} (expected 0..${extent - 1}; at flat position ${i} of indices ${fmt(indices.shape)})`,
      );
    }
  }
}

/**
 * Select slices of `x` along `axis` by `indices` (any shape): the result is
 * x.shape[:axis] + indices.shape + x.shape[axis+1:].
 *
 * @example
 * gather(embedding, tokens); // [vocab, dim] and [batch, time] → [batch, time, dim]
 */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  assertLive("gather", x, indices);
  const a = normalizeAxis("gather", axis, x.rank);
  checkIndices("gather", indices, x.shape[a] as number, () => `axis ${a} of x ${fmt(x.shape)}`);
  const shape = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  const out = empty(shape, x.dtype);
  kernel("gather")(x, indices, a, out.storage);
  return recordOp("Gather", [x, indices], { axis: a }, out);
}

export const indexSelect = gather;

/**
 * The adjoint of gather: a zero tensor of `shape` into which each slice of
 * `updates` is added at its index along `axis` (repeated indices add up).
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  assertLive("scatterAdd", updates, indices);
  checkShape("scatterAdd", shape);
  const a = normalizeAxis("scatterAdd", axis, shape.length);
  checkIndices("scatterAdd", indices, shape[a] as number, () => `axis ${a} of ${fmt(shape)}`);
  const expected = [...shape.slice(0, a), ...indices.shape, ...shape.slice(a + 1)];
  check(sameShape(updates.shape, expected), "SHAPE", () => {
    return `scatterAdd: updates must be ${fmt(expected)} for indices ${fmt(indices.shape)} into ${fmt(shape)}, got ${fmt(updates.shape)}`;
  });
  const out = empty(shape, updates.dtype);
  kernel("fill")(out.storage, 0);
  kernel("scatterAdd")(updates, indices, a, shape, out.storage);
  return recordOp("ScatterAdd", [updates, indices], { axis: a, shape }, out);
}

/** One-hot rows: int32 indices of any shape → float32 [...shape, depth]. */
export function oneHot(
  indices: Tensor,
  depth: number,
  dtype: "float32" | "float64" = "float32",
): Tensor {
  assertLive("oneHot", indices);
  check(Number.isInteger(depth) && depth > 0, "ARGUMENT", () => {
    return `oneHot: depth must be a positive integer, got ${depth}`;
  });
  checkIndices("oneHot", indices, depth, () => `depth ${depth}`);
  const out = empty([...indices.shape, depth], dtype);
  const data = indices.data();
  const array = out.storage.array;
  array.fill(0);
  for (let i = 0; i < data.length; i++) array[i * depth + (data[i] as number)] = 1;
  return recordOp("OneHot", [indices], { depth }, out);
}
