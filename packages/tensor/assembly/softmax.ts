// Softmax and log-softmax over the rows of a contiguous f32 matrix: the output layer of every
// language model, run on [batch·time, vocabulary] logits at every training step.
//
// The same method as the js kernel (backends/js/reduce.ts): shift each row by its max, sum
// e^(x − max) in f64, then write e^(x − max) / Σ or (x − max) − log Σ, each rounded once to f32.
// exp runs in f64 lanes (vmath.ts, ~2e-10 relative), so results agree with the js kernel to
// float32 rounding. NaN anywhere in a row makes the row NaN, as there.

import { expF64, highToF64, lowToF64, toF32 } from "./vmath";

/** exp(d) for two f64 lanes of d = x − max ≤ 0 (or NaN); below −700 it is 0 to f32 anyway. */
// @ts-ignore: decorator
@inline
function expShifted(d: v128): v128 {
  return expF64(f64x2.pmax(d, f64x2.splat(-700)));
}

/** Each row r of x [rows, cols] → out (may equal x): softmax, or log-softmax when `log` ≠ 0. */
export function softmaxRows(x: usize, out: usize, rows: i32, cols: i32, log: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const src = x + <usize>r * rowBytes;
    const dst = out + <usize>r * rowBytes;
    // The row max (f32x4.max propagates NaN).
    let m4 = f32x4.splat(-Infinity);
    let j = 0;
    for (; j + 4 <= cols; j += 4) m4 = f32x4.max(m4, v128.load(src + (<usize>j << 2)));
    let top = max(max(f32x4.extract_lane(m4, 0), f32x4.extract_lane(m4, 1)), max(f32x4.extract_lane(m4, 2), f32x4.extract_lane(m4, 3)));
    for (; j < cols; j++) top = max(top, load<f32>(src + (<usize>j << 2)));
    const maxD = f64x2.splat(<f64>top);
    // Σ e^(x − max) in f64.
    let s = f64x2.splat(0);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v = v128.load(src + (<usize>j << 2));
      s = f64x2.add(s, expShifted(f64x2.sub(lowToF64(v), maxD)));
      s = f64x2.add(s, expShifted(f64x2.sub(highToF64(v), maxD)));
    }
    let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    for (; j < cols; j++) {
      const d = f64x2.splat(<f64>load<f32>(src + (<usize>j << 2)) - <f64>top);
      sum += f64x2.extract_lane(expShifted(d), 0);
    }
    if (log != 0) {
      // (x − max) − log Σ, in that order: max + log Σ would round log Σ away when |max| is huge.
      const logSum = f64x2.splat(Math.log(sum));
      j = 0;
      for (; j + 4 <= cols; j += 4) {
        const v = v128.load(src + (<usize>j << 2));
        const lo = f64x2.sub(f64x2.sub(lowToF64(v), maxD), logSum);
        const hi = f64x2.sub(f64x2.sub(highToF64(v), maxD), logSum);
        v128.store(dst + (<usize>j << 2), toF32(lo, hi));
      }
      for (; j < cols; j++) {
        const p = <usize>j << 2;
        store<f32>(dst + p, <f32>(<f64>load<f32>(src + p) - <f64>top - f64x2.extract_lane(logSum, 0)));
      }
    } else {
      const total = f64x2.splat(sum);
      j = 0;
      for (; j + 4 <= cols; j += 4) {
        const v = v128.load(src + (<usize>j << 2));
        const lo = f64x2.div(expShifted(f64x2.sub(lowToF64(v), maxD)), total);
        const hi = f64x2.div(expShifted(f64x2.sub(highToF64(v), maxD)), total);
        v128.store(dst + (<usize>j << 2), toF32(lo, hi));
      }
      for (; j < cols; j++) {
        const p = <usize>j << 2;
        const e = f64x2.extract_lane(expShifted(f64x2.splat(<f64>load<f32>(src + p) - <f64>top)), 0);
        store<f32>(dst + p, <f32>(e / sum));
      }
    }
  }
}
