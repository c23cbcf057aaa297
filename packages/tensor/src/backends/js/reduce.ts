/**
 * Reductions, arg-reductions and softmax of the js backend. Each permutes the
 * reduced axes to the end (in index space, no copy), so that every output
 * element reduces one run of the offset list.
 */
import type { ReduceOp, View } from "../../backend.js";
import type { Shape } from "../../shape.js";
import { sizeOf } from "../../shape.js";
import type { Storage } from "../../storage.js";
import { isDense, offsets } from "./strided.js";

/** `view` with `axes` moved to the end: a View over the same storage. */
function moveAxesLast(view: View, axes: readonly number[]): View {
  const kept = view.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  return {
    storage: view.storage,
    dtype: view.dtype,
    offset: view.offset,
    shape: order.map((i) => view.shape[i] as number),
    strides: order.map((i) => view.strides[i] as number),
  };
}

const initial: Record<ReduceOp, number> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
};

export function reduce(op: ReduceOp, x: View, axes: readonly number[], out: Storage): void {
  if (isDense(x) && reduceDense(op, x, axes, out)) return;
  const moved = moveAxesLast(x, axes);
  const run = sizeOf(axes.map((a) => x.shape[a] as number));
  const at = offsets(moved);
  const src = x.storage.array;
  const dst = out.array;
  for (let o = 0; o < dst.length; o++) {
    let acc = initial[op];
    const start = o * run;
    for (let r = 0; r < run; r++) {
      const v = src[at[start + r] as number] as number;
      if (op === "sum") acc += v;
      else if (op === "prod") acc *= v;
      else if (op === "max")
        acc = Math.max(acc, v); // NaN wins
      else acc = Math.min(acc, v);
    }
    dst[o] = acc;
  }
}

/**
 * Fast paths for a dense input: trailing axes reduce contiguous runs, leading
 * axes reduce columns. Returns false when neither applies.
 */
function reduceDense(op: ReduceOp, x: View, axes: readonly number[], out: Storage): boolean {
  const rank = x.shape.length;
  const src = x.storage.array;
  const dst = out.array;
  const trailing = axes.every((axis, i) => axis === rank - axes.length + i);
  const leading = axes.every((axis, i) => axis === i);
  if (!trailing && !leading) return false;
  const reduced = sizeOf(axes.map((a) => x.shape[a] as number));
  const kept = dst.length;
  const start = initial[op];
  if (trailing) {
    for (let o = 0; o < kept; o++) {
      let acc = start;
      const base = x.offset + o * reduced;
      for (let r = 0; r < reduced; r++) acc = combine(op, acc, src[base + r] as number);
      dst[o] = acc;
    }
    return true;
  }
  dst.fill(start);
  for (let r = 0; r < reduced; r++) {
    const base = x.offset + r * kept;
    for (let o = 0; o < kept; o++) dst[o] = combine(op, dst[o] as number, src[base + o] as number);
  }
  return true;
}

function combine(op: ReduceOp, acc: number, v: number): number {
  if (op === "sum") return acc + v;
  if (op === "prod") return acc * v;
  if (op === "max") return Math.max(acc, v); // NaN wins
  return Math.min(acc, v);
}

export function argReduce(op: "argmax" | "argmin", x: View, axis: number, out: Storage): void {
  const moved = moveAxesLast(x, [axis]);
  const run = x.shape[axis] as number;
  const at = offsets(moved);
  const src = x.storage.array;
  const dst = out.array;
  for (let o = 0; o < dst.length; o++) {
    let best = 0;
    let bestValue = src[at[o * run] as number] as number;
    for (let r = 1; r < run; r++) {
      const v = src[at[o * run + r] as number] as number;
      if (Number.isNaN(bestValue)) break;
      if (Number.isNaN(v) || (op === "argmax" ? v > bestValue : v < bestValue)) {
        best = r;
        bestValue = v;
      }
    }
    dst[o] = best;
  }
}

/** Softmax (or log-softmax) along `axis`, shifted by the max for stability. */
export function softmax(x: View, axis: number, log: boolean, out: Storage): void {
  if (axis === x.shape.length - 1 && isDense(x)) {
    softmaxRows(x, log, out);
    return;
  }
  const moved = moveAxesLast(x, [axis]);
  const run = x.shape[axis] as number;
  const at = offsets(moved);
  const src = x.storage.array;
  const dst = out.array;
  // Where each element of the moved order lands in the contiguous output.
  const outView: View = {
    storage: out,
    dtype: out.dtype,
    offset: 0,
    shape: x.shape,
    strides: contiguous(x.shape),
  };
  const target = offsets(moveAxesLast(outView, [axis]));
  const rows = run === 0 ? 0 : at.length / run;
  for (let o = 0; o < rows; o++) {
    const start = o * run;
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < run; r++) max = Math.max(max, src[at[start + r] as number] as number);
    let sum = 0;
    for (let r = 0; r < run; r++) sum += Math.exp((src[at[start + r] as number] as number) - max);
    const logSum = Math.log(sum);
    for (let r = 0; r < run; r++) {
      const shifted = (src[at[start + r] as number] as number) - max;
      dst[target[start + r] as number] = log ? shifted - logSum : Math.exp(shifted) / sum;
    }
  }
}

/** Softmax over the last axis of a dense input: each row is a contiguous run. */
function softmaxRows(x: View, log: boolean, out: Storage): void {
  const run = x.shape[x.shape.length - 1] as number;
  const src = x.storage.array;
  const dst = out.array;
  const rows = run === 0 ? 0 : dst.length / run;
  for (let r = 0; r < rows; r++) {
    const from = x.offset + r * run;
    const to = r * run;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < run; j++) max = Math.max(max, src[from + j] as number);
    let sum = 0;
    for (let j = 0; j < run; j++) sum += Math.exp((src[from + j] as number) - max);
    if (log) {
      // (x − max) − log Σ, in that order: max + log Σ would round log Σ away when |max| is huge.
      const logSum = Math.log(sum);
      for (let j = 0; j < run; j++) dst[to + j] = (src[from + j] as number) - max - logSum;
    } else {
      for (let j = 0; j < run; j++) dst[to + j] = Math.exp((src[from + j] as number) - max) / sum;
    }
  }
}

function contiguous(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i] as number;
  }
  return strides;
}
