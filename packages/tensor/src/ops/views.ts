/**
 * Views: new shapes over the same storage, no copy. reshape (copies only
 * when the layout forces it, as PyTorch's does), permute/transpose, slice,
 * expand/broadcastTo, squeeze/unsqueeze; plus the explicit copies
 * `contiguous` and `pad`.
 */
import { kernel } from "../backend.js";
import { check, fmt } from "../errors.js";
import { recordOp } from "../record.js";
import { checkShape, normalizeAxis, type Shape, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { assertLive, empty } from "./util.js";

function view(x: Tensor, shape: Shape, strides: Shape | undefined, offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset);
}

/** A row-major copy (the same tensor when it already is one). */
export function contiguous(x: Tensor): Tensor {
  assertLive("contiguous", x);
  if (x.isContiguous) return x;
  const out = empty(x.shape, x.dtype);
  kernel("copy")(x, out.storage);
  return recordOp("Contiguous", [x], {}, out);
}

/**
 * The same elements in a new shape; one entry may be -1 (inferred).
 * A view when the layout allows, else a copy.
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  assertLive("reshape", x);
  const target = inferShape(x, shape);
  const source = x.isContiguous ? x : contiguous(x);
  const out = view(source, target, undefined, source.offset);
  return recordOp("Reshape", [source], { shape: target }, out);
}

function inferShape(x: Tensor, shape: Shape): number[] {
  const unknown = shape.filter((d) => d === -1).length;
  check(unknown <= 1, "SHAPE", () => `reshape: at most one dimension may be -1, got ${fmt(shape)}`);
  check(
    shape.every((d) => d === -1 || (Number.isInteger(d) && d >= 0)),
    "SHAPE",
    () => `reshape: a shape holds non-negative integers and at most one -1, got ${fmt(shape)}`,
  );
  const known = sizeOf(shape.filter((d) => d !== -1));
  const target = shape.map((d) => (d === -1 ? (known === 0 ? 0 : x.size / known) : d));
  check(target.every(Number.isInteger) && sizeOf(target) === x.size, "SHAPE", () => {
    return `reshape: cannot view ${fmt(x.shape)} (${x.size} elements) as ${fmt(shape)}`;
  });
  return target;
}

/** Reorder axes: `permute(x, [1, 0])` is the matrix transpose. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  assertLive("permute", x);
  const order = axes.map((a) => normalizeAxis("permute", a, x.rank));
  check(order.length === x.rank && new Set(order).size === x.rank, "ARGUMENT", () => {
    return `permute: expected a permutation of ${x.rank} axes, got [${axes.join(",")}] for shape ${fmt(x.shape)}`;
  });
  const out = view(
    x,
    order.map((a) => x.shape[a] as number),
    order.map((a) => x.strides[a] as number),
    x.offset,
  );
  return recordOp("Permute", [x], { axes: order }, out);
}

/** Swap two axes (the last two by default). */
export function transpose(x: Tensor, axis0 = -2, axis1 = -1): Tensor {
  const rank = Math.max(x.rank, 2);
  check(
    x.rank >= 2,
    "SHAPE",
    () => `transpose: expected at least 2 dimensions, got ${fmt(x.shape)}`,
  );
  const a = normalizeAxis("transpose", axis0, rank);
  const b = normalizeAxis("transpose", axis1, rank);
  const axes = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, axes);
}

/**
 * Elements `begin[i] <= index < end[i]` on each axis (missing axes are
 * taken whole; negative numbers count from the end, as in Python).
 */
export function slice(
  x: Tensor,
  begin: readonly number[],
  end?: readonly (number | undefined)[],
): Tensor {
  assertLive("slice", x);
  check(begin.length <= x.rank && (end?.length ?? 0) <= x.rank, "ARGUMENT", () => {
    return `slice: got ${Math.max(begin.length, end?.length ?? 0)} bounds for a tensor of rank ${x.rank} (shape ${fmt(x.shape)})`;
  });
  const from: number[] = [];
  const to: number[] = [];
  let offset = x.offset;
  for (let axis = 0; axis < x.rank; axis++) {
    const n = x.shape[axis] as number;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const b = clamp(begin[axis] ?? 0);
    const e = Math.max(b, clamp(end?.[axis] ?? n));
    from.push(b);
    to.push(e);
    offset += b * (x.strides[axis] as number);
  }
  const out = view(
    x,
    from.map((b, i) => (to[i] as number) - b),
    x.strides,
    offset,
  );
  return recordOp("Slice", [x], { begin: from, end: to }, out);
}

/** Broadcast to `shape` without copying (size-1 axes get stride 0). */
export function expand(x: Tensor, shape: Shape): Tensor {
  assertLive("expand", x);
  const lead = shape.length - x.rank;
  const target = shape.map((d, i) => (d === -1 && i >= lead ? (x.shape[i - lead] as number) : d));
  checkShape("expand", target);
  const fits = lead >= 0 && x.shape.every((d, i) => d === 1 || d === target[i + lead]);
  check(fits, "SHAPE", () => {
    return `expand: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)} (each axis must match or be 1; new axes go in front)`;
  });
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const own = x.shape[i - lead] as number;
    return own === 1 && d !== 1 ? 0 : (x.strides[i - lead] as number);
  });
  const out = view(x, target, strides, x.offset);
  return recordOp("Expand", [x], { shape: target }, out);
}

export const broadcastTo = expand;

/** Drop size-1 axes (all of them, or the ones named). */
export function squeeze(x: Tensor, axes?: number | readonly number[]): Tensor {
  const drop =
    axes === undefined
      ? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
      : (typeof axes === "number" ? [axes] : axes).map((a) => normalizeAxis("squeeze", a, x.rank));
  for (const a of drop) {
    check(
      x.shape[a] === 1,
      "SHAPE",
      () => `squeeze: axis ${a} has size ${x.shape[a]}, not 1 (shape ${fmt(x.shape)})`,
    );
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !drop.includes(i)),
  );
}

/** Insert a size-1 axis at `axis` (negative counts from the end of the result). */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis("unsqueeze", axis, x.rank + 1);
  const shape = [...x.shape];
  shape.splice(a, 0, 1);
  return reshape(x, shape);
}

/** Collapse axes `start..end` (inclusive) into one. */
export function flatten(x: Tensor, start = 0, end = -1): Tensor {
  if (x.rank === 0) return reshape(x, [1]);
  const s = normalizeAxis("flatten", start, x.rank);
  const e = normalizeAxis("flatten", end, x.rank);
  check(s <= e, "ARGUMENT", () => {
    return `flatten: start axis ${start} comes after end axis ${end} for shape ${fmt(x.shape)}`;
  });
  const shape = [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Pad with zeros: `before[i]` and `after[i]` elements on axis i. */
export function pad(x: Tensor, before: readonly number[], after: readonly number[]): Tensor {
  assertLive("pad", x);
  check(before.length === x.rank && after.length === x.rank, "ARGUMENT", () => {
    return `pad: expected ${x.rank} widths before and after for shape ${fmt(x.shape)}, got ${before.length} and ${after.length}`;
  });
  check(
    [...before, ...after].every((w) => Number.isInteger(w) && w >= 0),
    "ARGUMENT",
    () => {
      return `pad: widths must be non-negative integers, got before [${before.join(",")}] and after [${after.join(",")}]`;
    },
  );
  const shape = x.shape.map((d, i) => d + (before[i] as number) + (after[i] as number));
  const out = empty(shape, x.dtype);
  kernel("fill")(out.storage, 0);
  let offset = 0;
  for (let i = 0; i < x.rank; i++) offset += (before[i] as number) * (out.strides[i] as number);
  kernel("copyInto")(x, {
    storage: out.storage,
    dtype: out.dtype,
    shape: x.shape,
    strides: out.strides,
    offset,
  });
  return recordOp("Pad", [x], { before, after }, out);
}
