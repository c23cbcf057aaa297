// Reductions on contiguous f32 arrays: the total (losses, norms for clipping) and column sums
// (bias gradients: dL/db = Σ over the batch·time rows of dL/dy).
// Both accumulate in f64 lanes, so the result is accurate to f32 rounding even for millions of
// terms of mixed sign, at no visible cost (the loops are memory-bound).

import { highToF64, lowToF64, toF32 } from "./vmath";

/** Σ a[i] over n floats, accumulated in f64 and returned as f64. */
export function sum(a: usize, n: i32): f64 {
  // Four independent f64x2 accumulators hide the add latency.
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = a + (<usize>i << 2);
    const v0 = v128.load(p, 0);
    const v1 = v128.load(p, 16);
    s0 = f64x2.add(s0, lowToF64(v0));
    s1 = f64x2.add(s1, highToF64(v0));
    s2 = f64x2.add(s2, lowToF64(v1));
    s3 = f64x2.add(s3, highToF64(v1));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) total += <f64>load<f32>(a + (<usize>i << 2));
  return total;
}

/**
 * Column sums of a [rows, cols] (contiguous): out[j] = Σ_r a[r·cols + j], or with
 * `accumulate` ≠ 0, out[j] += that sum (gradient accumulation across time steps).
 * Columns are swept in strips of 16 (one 64-byte line per row) with 8 f64x2 accumulators,
 * so every element is read once and summed in f64.
 */
export function colSum(a: usize, out: usize, rows: i32, cols: i32, accumulate: i32): void {
  const rowBytes = <usize>cols << 2;
  let j = 0;
  for (; j + 16 <= cols; j += 16) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
    let p = a + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      const v0 = v128.load(p, 0);
      const v1 = v128.load(p, 16);
      const v2 = v128.load(p, 32);
      const v3 = v128.load(p, 48);
      s0 = f64x2.add(s0, lowToF64(v0));
      s1 = f64x2.add(s1, highToF64(v0));
      s2 = f64x2.add(s2, lowToF64(v1));
      s3 = f64x2.add(s3, highToF64(v1));
      s4 = f64x2.add(s4, lowToF64(v2));
      s5 = f64x2.add(s5, highToF64(v2));
      s6 = f64x2.add(s6, lowToF64(v3));
      s7 = f64x2.add(s7, highToF64(v3));
      p += rowBytes;
    }
    const o = out + (<usize>j << 2);
    storeSums(o, 0, s0, s1, accumulate);
    storeSums(o, 16, s2, s3, accumulate);
    storeSums(o, 32, s4, s5, accumulate);
    storeSums(o, 48, s6, s7, accumulate);
  }
  for (; j + 4 <= cols; j += 4) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let p = a + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      const v = v128.load(p);
      s0 = f64x2.add(s0, lowToF64(v));
      s1 = f64x2.add(s1, highToF64(v));
      p += rowBytes;
    }
    storeSums(out + (<usize>j << 2), 0, s0, s1, accumulate);
  }
  for (; j < cols; j++) {
    let total: f64 = 0;
    let p = a + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      total += <f64>load<f32>(p);
      p += rowBytes;
    }
    const o = out + (<usize>j << 2);
    if (accumulate != 0) total += <f64>load<f32>(o);
    store<f32>(o, <f32>total);
  }
}

/** Stores four f64 sums (two f64x2) as f32 at out+offset, optionally adding what is there. */
// @ts-ignore: decorator
@inline
function storeSums(out: usize, offset: usize, lo: v128, hi: v128, accumulate: i32): void {
  let l = lo;
  let h = hi;
  if (accumulate != 0) {
    const old = v128.load(out + offset);
    l = f64x2.add(l, lowToF64(old));
    h = f64x2.add(h, highToF64(old));
  }
  v128.store(out + offset, toF32(l, h));
}
