/**
 * Test support, not shipped (tsconfig.build.json leaves `src/testing` out).
 *
 * The op tests must not take their expected values from the code under
 * test, so this file holds naive float64 reference implementations on plain
 * `{ shape, data }` records (index arithmetic spelled out, no strides, no
 * kernels), a seeded source of test data independent of our `Generator`,
 * and comparison helpers that name the flat index of a mismatch.
 */
import { expect } from "vitest";
import { pad, slice } from "../ops/index.js";
import type { Tensor } from "../tensor.js";

/** A row-major array in float64: what the references take and return. */
export interface Ref {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export function size(shape: readonly number[]): number {
  return shape.reduce((s, d) => s * d, 1);
}

/** Multi-index of flat position `i` in `shape` (row-major). */
export function unravel(i: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  let rest = i;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = shape[axis] as number;
    index[axis] = rest % d;
    rest = Math.floor(rest / d);
  }
  return index;
}

/** Flat position of `index` in `shape` (row-major). */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    flat = flat * (shape[axis] as number) + (index[axis] as number);
  }
  return flat;
}

/** NumPy's broadcast of two shapes, or null when they do not broadcast. */
export function refBroadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : (a[i - (rank - a.length)] as number);
    const db = i < rank - b.length ? 1 : (b[i - (rank - b.length)] as number);
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The element of `x` that broadcasting reads at `index` of the (larger) output. */
function readBroadcast(x: Ref, index: readonly number[]): number {
  const lead = index.length - x.shape.length;
  const own = x.shape.map((d, i) => (d === 1 ? 0 : (index[i + lead] as number)));
  return x.data[ravel(own, x.shape)] as number;
}

/** f applied elementwise over broadcast operands. */
export function refZip(f: (...v: number[]) => number, ...xs: Ref[]): Ref {
  let shape: number[] = [];
  for (const x of xs) {
    const s = refBroadcastShape(shape, x.shape);
    if (s === null) throw new Error("reference: shapes do not broadcast");
    shape = s;
  }
  const data = Array.from({ length: size(shape) }, (_, i) => {
    const index = unravel(i, shape);
    return f(...xs.map((x) => readBroadcast(x, index)));
  });
  return { shape, data };
}

/** op(a)·op(b) over the last two axes, batch axes broadcast, all in float64. */
export function refMatMul(a: Ref, b: Ref, transposeA = false, transposeB = false): Ref {
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const n = transposeB ? br : bc;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = refBroadcastShape(batchA, batchB);
  if (batch === null) throw new Error("reference: batch shapes do not broadcast");
  const shape = [...batch, m, n];
  const data = Array.from({ length: size(shape) }, (_, flat) => {
    const index = unravel(flat, shape);
    const bi = index.slice(0, -2);
    const [i, j] = index.slice(-2) as [number, number];
    let acc = 0;
    for (let p = 0; p < k; p++) {
      const ai = transposeA ? [p, i] : [i, p];
      const bj = transposeB ? [j, p] : [p, j];
      acc += readBroadcast(a, [...bi, ...ai]) * readBroadcast(b, [...bi, ...bj]);
    }
    return acc;
  });
  return { shape, data };
}

/** Fold `f` over `axes` (all when undefined), keeping them as size 1 when asked. */
export function refReduce(
  x: Ref,
  f: (values: number[]) => number,
  axes?: readonly number[],
  keepDims = false,
): Ref {
  const rank = x.shape.length;
  const list = (axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + rank : a));
  const kept = x.shape.map((d, i) => (list.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(kept) }, () => []);
  for (let i = 0; i < x.data.length; i++) {
    const index = unravel(i, x.shape).map((v, axis) => (list.includes(axis) ? 0 : v));
    (groups[ravel(index, kept)] as number[]).push(x.data[i] as number);
  }
  const shape = keepDims ? kept : x.shape.filter((_, i) => !list.includes(i));
  return { shape, data: groups.map(f) };
}

export const sumOf = (v: number[]) => v.reduce((s, x) => s + x, 0);

/** Softmax or log-softmax along `axis`, textbook: exp(x − max) / Σ exp(x − max). */
export function refSoftmax(x: Ref, axis: number, log: boolean): Ref {
  const rank = x.shape.length;
  const a = axis < 0 ? axis + rank : axis;
  const data = x.data.map((_, i) => {
    const index = unravel(i, x.shape);
    const row = Array.from({ length: x.shape[a] as number }, (_, r) => {
      const at = [...index];
      at[a] = r;
      return x.data[ravel(at, x.shape)] as number;
    });
    const m = Math.max(...row);
    const total = sumOf(row.map((v) => Math.exp(v - m)));
    const shifted = (x.data[i] as number) - m;
    return log ? shifted - Math.log(total) : Math.exp(shifted) / total;
  });
  return { shape: x.shape, data };
}

/** Reorder axes: output axis i is input axis `order[i]`. */
export function refPermute(x: Ref, order: readonly number[]): Ref {
  const shape = order.map((a) => x.shape[a] as number);
  const data = Array.from({ length: size(shape) }, (_, flat) => {
    const index = unravel(flat, shape);
    const source = new Array<number>(order.length);
    order.forEach((a, i) => {
      source[a] = index[i] as number;
    });
    return x.data[ravel(source, x.shape)] as number;
  });
  return { shape, data };
}

/** Concatenate along `axis`. */
export function refConcat(xs: readonly Ref[], axis: number): Ref {
  const first = xs[0] as Ref;
  const shape = first.shape.map((d, i) =>
    i === axis ? xs.reduce((s, x) => s + (x.shape[axis] as number), 0) : d,
  );
  const data = Array.from({ length: size(shape) }, (_, flat) => {
    const index = unravel(flat, shape);
    let along = index[axis] as number;
    for (const x of xs) {
      const extent = x.shape[axis] as number;
      if (along < extent) {
        const at = [...index];
        at[axis] = along;
        return x.data[ravel(at, x.shape)] as number;
      }
      along -= extent;
    }
    throw new Error("unreachable");
  });
  return { shape, data };
}

/** x.take(indices, axis). */
export function refGather(x: Ref, indices: Ref, axis: number): Ref {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const data = Array.from({ length: size(shape) }, (_, flat) => {
    const index = unravel(flat, shape);
    const inner = index.slice(axis, axis + indices.shape.length);
    const row = indices.data[ravel(inner, indices.shape)] as number;
    const at = [...index.slice(0, axis), row, ...index.slice(axis + indices.shape.length)];
    return x.data[ravel(at, x.shape)] as number;
  });
  return { shape, data };
}

/**
 * Deterministic test data from mulberry32, not from our `Generator`, so a
 * generator bug cannot hide in the inputs. Values in [low, high), rounded
 * to float32 so they are exact in every dtype we test.
 */
export function seeded(seed: number, count: number, low = -1, high = 1): number[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.fround(low + (high - low) * next()));
}

/** `seeded` as a Float32Array (the values are float32 already), for kernels' raw storages. */
export function seededFloat32(seed: number, count: number, low = -1, high = 1): Float32Array {
  return Float32Array.from(seeded(seed, count, low, high));
}

/** Seeded integers in [low, high). */
export function seededInts(seed: number, count: number, low: number, high: number): number[] {
  return seeded(seed, count, 0, 1).map(
    (u) => low + Math.min(high - low - 1, Math.floor(u * (high - low))),
  );
}

export function ref(shape: readonly number[], data: readonly number[]): Ref {
  return { shape, data };
}

/** A tensor's elements as a plain array (copied, so safe across allocations). */
export function values(t: Tensor): number[] {
  return Array.from(t.data());
}

/**
 * The same values as `t` in a view that is not contiguous: `t` padded by one
 * element on every side, then sliced back. Kernels must honour its offset
 * and strides.
 */
export function strided(t: Tensor): Tensor {
  if (t.rank === 0) return t;
  const ones = t.shape.map(() => 1);
  return slice(
    pad(t, ones, ones),
    ones,
    t.shape.map((d) => d + 1),
  );
}

function isTensor(x: unknown): x is Tensor {
  return (x as { isTensor?: unknown }).isTensor === true;
}

function isRef(x: unknown): x is Ref {
  return !isTensor(x) && Array.isArray((x as { data?: unknown }).data);
}

/**
 * Elementwise |actual − expected| ≤ atol + rtol·|expected|, with NaN equal
 * to NaN and infinities equal to themselves. A failure names the flat index.
 */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: Tensor | Ref | ArrayLike<number>,
  { rtol = 1e-6, atol = 1e-6, label = "" }: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const got = isTensor(actual) ? values(actual) : Array.from(actual);
  const want = isTensor(expected)
    ? values(expected)
    : isRef(expected)
      ? [...expected.data]
      : Array.from(expected);
  if (isTensor(actual) && (isTensor(expected) || isRef(expected))) {
    expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  }
  expect(got.length, `${label} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(g, `${label} at flat index ${i}`).toBe(w);
      continue;
    }
    const ok = Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) {
      expect.fail(
        `${label} at flat index ${i}: got ${g}, expected ${w} (|diff| ${Math.abs(g - w)} > ${atol} + ${rtol}·|expected|)`,
      );
    }
  }
}
