/**
 * Shape arithmetic: sizes, row-major strides, NumPy broadcasting and axis
 * normalisation. Pure functions on number arrays, shared by ops and kernels.
 */
import { check, fmt } from "./errors.js";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major (C-order) strides, in elements. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i] as number;
  }
  return strides;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align on the right; each pair of sizes must be equal or contain a 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    check(da === db || da === 1 || db === 1, "SHAPE", () => {
      return `${op}: shapes do not broadcast: a is ${fmt(a)}, b is ${fmt(b)} (axis ${i - rank} has ${da} and ${db})`;
    });
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** True when `a` and `b` broadcast together (see `broadcastShapes`). */
export function broadcastable(a: Shape, b: Shape): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const da = a[a.length - i] as number;
    const db = b[b.length - i] as number;
    if (da !== db && da !== 1 && db !== 1) return false;
  }
  return true;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if it had `target`
 * shape: broadcast axes get stride 0.
 */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[i + offset] = shape[i] === 1 && target[i + offset] !== 1 ? 0 : (strides[i] as number);
  }
  return out;
}

/** A possibly negative axis as an index in [0, rank). */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  check(Number.isInteger(axis) && axis >= -rank && axis < rank, "ARGUMENT", () => {
    if (!Number.isInteger(axis)) return `${op}: an axis is an integer, got ${axis}`;
    if (rank === 0) return `${op}: axis ${axis} is out of range: a scalar (rank 0) has no axes`;
    return `${op}: axis ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank}..${rank - 1})`;
  });
  return axis < 0 ? axis + rank : axis;
}

/** Axes to reduce over: all of them when `axes` is undefined; sorted, unique, non-negative. */
export function normalizeAxes(
  op: string,
  axes: number | readonly number[] | undefined,
  rank: number,
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, rank)))].sort((x, y) => x - y);
  return out;
}

export function checkShape(op: string, shape: Shape): void {
  for (const d of shape) {
    check(Number.isInteger(d) && d >= 0, "SHAPE", () => {
      return `${op}: a shape holds non-negative integers, got ${fmt(shape)}`;
    });
  }
}
