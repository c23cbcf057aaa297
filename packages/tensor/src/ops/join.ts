/**
 * Joining and splitting along an axis: concat is the recorded primitive;
 * stack is concat of unsqueezed inputs, and split is slices (views).
 */
import { kernel } from "../backend.js";
import { check, fmt } from "../errors.js";
import { recordOp } from "../record.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { assertLive, assertSameDType, empty } from "./util.js";
import { slice, unsqueeze } from "./views.js";

/** Join tensors along an existing axis; all other axes must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  check(tensors.length > 0, "ARGUMENT", () => "concat: expected at least one tensor");
  const first = tensors[0] as Tensor;
  const a = normalizeAxis("concat", axis, first.rank);
  let total = 0;
  tensors.forEach((t, i) => {
    assertLive("concat", t);
    assertSameDType("concat", first, t);
    check(
      t.rank === first.rank && t.shape.every((d, j) => j === a || d === first.shape[j]),
      "SHAPE",
      () => {
        return `concat: tensor ${i} is ${fmt(t.shape)} but tensor 0 is ${fmt(first.shape)}; all axes except ${a} must match`;
      },
    );
    total += t.shape[a] as number;
  });
  const shape = first.shape.map((d, j) => (j === a ? total : d));
  const out = empty(shape, first.dtype);
  let offset = 0;
  for (const t of tensors) {
    kernel("copyInto")(t, {
      storage: out.storage,
      dtype: out.dtype,
      shape: t.shape,
      strides: out.strides,
      offset,
    });
    offset += (t.shape[a] as number) * (out.strides[a] as number);
  }
  return recordOp("Concat", tensors, { axis: a }, out);
}

/** Join tensors of one shape along a new axis. */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  check(tensors.length > 0, "ARGUMENT", () => "stack: expected at least one tensor");
  const rank = (tensors[0] as Tensor).rank + 1;
  const a = normalizeAxis("stack", axis, rank);
  tensors.forEach((t, i) => {
    check(
      t.rank === rank - 1 && t.shape.every((d, j) => d === (tensors[0] as Tensor).shape[j]),
      "SHAPE",
      () => {
        return `stack: tensor ${i} is ${fmt(t.shape)} but tensor 0 is ${fmt((tensors[0] as Tensor).shape)}; all must match`;
      },
    );
  });
  return concat(
    tensors.map((t) => unsqueeze(t, a)),
    a,
  );
}

/** `N` copies of `T` as a tuple (`Tensor[]` when N is not a literal). */
type Repeat<T, N extends number, R extends T[] = []> = number extends N
  ? T[]
  : R["length"] extends N
    ? R
    : Repeat<T, N, [...R, T]>;

/**
 * Split along `axis` into equal parts (a number) or parts of the given sizes.
 * The parts are views.
 *
 * @example
 * const [left, right] = split(x, 2, -1); // typed [Tensor, Tensor]: a literal count gives a tuple
 */
export function split<const N extends number>(
  x: Tensor,
  count: N,
  axis?: number,
): Repeat<Tensor, N>;
export function split(x: Tensor, sizesOrCount: number | readonly number[], axis?: number): Tensor[];
export function split(x: Tensor, sizesOrCount: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis("split", axis, x.rank);
  const extent = x.shape[a] as number;
  let sizes: number[];
  if (typeof sizesOrCount === "number") {
    check(
      Number.isInteger(sizesOrCount) && sizesOrCount > 0 && extent % sizesOrCount === 0,
      "SHAPE",
      () => {
        return `split: axis ${a} of ${fmt(x.shape)} has ${extent} elements, which ${sizesOrCount} parts do not divide evenly`;
      },
    );
    sizes = new Array<number>(sizesOrCount).fill(extent / sizesOrCount);
  } else {
    sizes = [...sizesOrCount];
    check(
      sizes.every((s) => Number.isInteger(s) && s >= 0),
      "ARGUMENT",
      () => `split: sizes must be non-negative integers, got [${sizes.join(",")}]`,
    );
    const total = sizes.reduce((s, v) => s + v, 0);
    check(total === extent, "SHAPE", () => {
      return `split: sizes [${sizes.join(",")}] add up to ${total}, but axis ${a} of ${fmt(x.shape)} has ${extent}`;
    });
  }
  const parts: Tensor[] = [];
  let start = 0;
  for (const size of sizes) {
    const begin = x.shape.map((_, j) => (j === a ? start : 0));
    const end = x.shape.map((d, j) => (j === a ? start + size : d));
    parts.push(slice(x, begin, end));
    start += size;
  }
  return parts;
}
