/**
 * Elementwise kernels of the js backend: each reads like the maths, one
 * scalar function per op, applied over (possibly broadcast) strided inputs.
 */
import type { BinaryOp, UnaryOp, View } from "../../backend.js";
import type { Shape } from "../../shape.js";
import type { Storage } from "../../storage.js";
import { isDense, rows } from "./strided.js";

export const unaryFns: Readonly<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => Math.max(x, 0),
  sin: Math.sin,
  cos: Math.cos,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    // Round half to even, as NumPy and PyTorch do.
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};

export const binaryFns: Readonly<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max, // NaN wins, as in NumPy
  minimum: Math.min,
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

export function fill(out: Storage, value: number): void {
  out.array.fill(value);
}

export function copy(x: View, out: Storage): void {
  const src = x.storage.array;
  const dst = out.array;
  if (isDense(x) && src.constructor === dst.constructor) {
    dst.set(src.subarray(x.offset, x.offset + dst.length));
    return;
  }
  const { starts, width, step } = rows(x);
  const toInt = out.dtype === "int32";
  let w = 0;
  for (let r = 0; r < starts.length; r++) {
    for (let j = 0, p = starts[r] as number; j < width; j++, p += step) {
      const v = src[p] as number;
      dst[w++] = toInt ? Math.trunc(v) : v;
    }
  }
}

export function copyInto(x: View, dst: View): void {
  const src = x.storage.array;
  const out = dst.storage.array;
  const from = rows(x);
  const to = rows(dst);
  const { width } = from;
  const contiguousRows = from.step === 1 && to.step === 1 && src.constructor === out.constructor;
  for (let r = 0; r < from.starts.length; r++) {
    const a = from.starts[r] as number;
    const b = to.starts[r] as number;
    if (contiguousRows) {
      out.set(src.subarray(a, a + width), b);
    } else {
      for (let j = 0; j < width; j++) out[b + j * to.step] = src[a + j * from.step] as number;
    }
  }
}

export function unary(op: UnaryOp, x: View, out: Storage): void {
  const f = unaryFns[op];
  const src = x.storage.array;
  const dst = out.array;
  if (isDense(x)) {
    for (let i = 0, j = x.offset; i < dst.length; i++, j++) dst[i] = f(src[j] as number);
    return;
  }
  const { starts, width, step } = rows(x);
  let w = 0;
  for (let r = 0; r < starts.length; r++) {
    for (let j = 0, p = starts[r] as number; j < width; j++, p += step)
      dst[w++] = f(src[p] as number);
  }
}

export function binary(op: BinaryOp, a: View, b: View, outShape: Shape, out: Storage): void {
  const f = binaryFns[op];
  const x = a.storage.array;
  const y = b.storage.array;
  const dst = out.array;
  if (isDense(a, outShape) && isDense(b, outShape)) {
    for (let i = 0; i < dst.length; i++) {
      dst[i] = f(x[a.offset + i] as number, y[b.offset + i] as number);
    }
    return;
  }
  const ra = rows(a, outShape);
  const rb = rows(b, outShape);
  const { width } = ra;
  let w = 0;
  for (let r = 0; r < ra.starts.length; r++) {
    let p = ra.starts[r] as number;
    let q = rb.starts[r] as number;
    for (let j = 0; j < width; j++, p += ra.step, q += rb.step)
      dst[w++] = f(x[p] as number, y[q] as number);
  }
}

export function where(condition: View, a: View, b: View, outShape: Shape, out: Storage): void {
  const c = condition.storage.array;
  const x = a.storage.array;
  const y = b.storage.array;
  const rc = rows(condition, outShape);
  const ra = rows(a, outShape);
  const rb = rows(b, outShape);
  const dst = out.array;
  let w = 0;
  for (let r = 0; r < rc.starts.length; r++) {
    let o = rc.starts[r] as number;
    let p = ra.starts[r] as number;
    let q = rb.starts[r] as number;
    for (let j = 0; j < rc.width; j++, o += rc.step, p += ra.step, q += rb.step) {
      dst[w++] = (c[o] as number) !== 0 ? (x[p] as number) : (y[q] as number);
    }
  }
}

export function clip(x: View, min: number, max: number, out: Storage): void {
  const src = x.storage.array;
  const { starts, width, step } = rows(x);
  const dst = out.array;
  let w = 0;
  for (let r = 0; r < starts.length; r++) {
    for (let j = 0, p = starts[r] as number; j < width; j++, p += step) {
      dst[w++] = Math.min(Math.max(src[p] as number, min), max);
    }
  }
}
