// Elementwise unary kernels on contiguous f32 arrays: the activations and gate nonlinearities
// of recurrent cells (tanh, sigmoid, relu) plus exp and log (softmax, cross-entropy).
// Signature for all: (a, out, n) with out[i] = f(a[i]); `out` may equal `a`.
// The transcendental ones evaluate in f64 lanes (see vmath.ts) and are float32-ulp accurate;
// IEEE special values follow Math.*: exp(±inf) = inf/0, log(0) = -inf, log(x<0) = NaN,
// tanh(±inf) = ±1, sigmoid(±inf) = 1/0, NaN in gives NaN out.

import { sigmoid4, tanh4 } from "./activations";
import { expF64, highToF64, ln2F64, logReducedF64, lowToF64, toF32 } from "./vmath";

const FN_EXP: i32 = 0;
const FN_LOG: i32 = 1;
const FN_TANH: i32 = 2;
const FN_SIGMOID: i32 = 3;
const FN_RELU: i32 = 4;

/** Beyond these |x| the f32 result is already saturated (inf/0, ±1, 1/0), so clamping is exact. */
const EXP_CLAMP_LOW: f32 = -110;
const EXP_CLAMP_HIGH: f32 = 100;

/**
 * Clamps lanes to [low, high] keeping NaN lanes NaN. pmin/pmax are single instructions
 * (f32x4.min/max cost ~8 in V8 for their NaN and ±0 rules): pmax(x, lo) = x < lo ? lo : x.
 */
// @ts-ignore: decorator
@inline
function clamp(x: v128, low: f32, high: f32): v128 {
  return f32x4.pmin(f32x4.pmax(x, f32x4.splat(low)), f32x4.splat(high));
}

// @ts-ignore: decorator
@inline
export function expVec(x: v128): v128 {
  const xc = clamp(x, EXP_CLAMP_LOW, EXP_CLAMP_HIGH);
  return toF32(expF64(lowToF64(xc)), expF64(highToF64(xc)));
}

// sigmoid and tanh are shared with the fused recurrent kernels (activations.ts).
// @ts-ignore: decorator
@inline
function sigmoidVec(x: v128): v128 {
  return sigmoid4(x);
}

// @ts-ignore: decorator
@inline
function tanhVec(x: v128): v128 {
  return tanh4(x);
}

// @ts-ignore: decorator
@inline
export function logVec(x: v128): v128 {
  // Subnormal inputs are scaled by 2^23 first so the exponent field is meaningful.
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const bits = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  // x = 2^e·m, m in [1, 2); then fold m > √2 down to [√½, 1) so |log m| ≤ ln2/2.
  let e = i32x4.sub(i32x4.shr_s(bits, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(tiny, i32x4.splat(23)));
  let mBits = v128.or(v128.and(bits, i32x4.splat(0x007fffff)), i32x4.splat(0x3f800000));
  const big = i32x4.gt_s(mBits, i32x4.splat(0x3fb504f3));
  mBits = i32x4.sub(mBits, v128.and(big, i32x4.splat(0x00800000)));
  e = i32x4.sub(e, big);
  const eHigh = i64x2.shuffle(e, e, 1, 1);
  const lo = f64x2.add(
    f64x2.mul(f64x2.convert_low_i32x4_s(e), ln2F64()),
    logReducedF64(lowToF64(mBits)),
  );
  const hi = f64x2.add(
    f64x2.mul(f64x2.convert_low_i32x4_s(eHigh), ln2F64()),
    logReducedF64(highToF64(mBits)),
  );
  let result = toF32(lo, hi);
  // Special values: log(±0) = -inf, log(x<0) = NaN, log(NaN) = NaN, log(+inf) = +inf.
  result = v128.bitselect(f32x4.splat(-Infinity), result, f32x4.eq(x, f32x4.splat(0)));
  const invalid = v128.or(f32x4.lt(x, f32x4.splat(0)), f32x4.ne(x, x));
  result = v128.bitselect(f32x4.splat(NaN), result, invalid);
  return v128.bitselect(x, result, f32x4.eq(x, f32x4.splat(Infinity)));
}

// @ts-ignore: decorator
@inline
function applyUnary(fn: i32, x: v128): v128 {
  if (fn == FN_EXP) return expVec(x);
  if (fn == FN_LOG) return logVec(x);
  if (fn == FN_TANH) return tanhVec(x);
  if (fn == FN_SIGMOID) return sigmoidVec(x);
  // relu: pmax(x, 0) = x < 0 ? 0 : x, one instruction; NaN stays NaN like PyTorch's.
  return f32x4.pmax(x, f32x4.splat(0));
}

/** out[i] = fn(a[i]) for i < n, four lanes at a time; the 1–3 tail lanes go through a vector too. */
// @ts-ignore: decorator
@inline
function unaryMap(fn: i32, a: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyUnary(fn, v128.load(a + o)));
  }
  const rest = n - i;
  if (rest <= 0) return;
  const o = <usize>i << 2;
  let x = f32x4.splat(1);
  x = f32x4.replace_lane(x, 0, load<f32>(a + o, 0));
  if (rest > 1) x = f32x4.replace_lane(x, 1, load<f32>(a + o, 4));
  if (rest > 2) x = f32x4.replace_lane(x, 2, load<f32>(a + o, 8));
  const y = applyUnary(fn, x);
  store<f32>(out + o, f32x4.extract_lane(y, 0), 0);
  if (rest > 1) store<f32>(out + o, f32x4.extract_lane(y, 1), 4);
  if (rest > 2) store<f32>(out + o, f32x4.extract_lane(y, 2), 8);
}

/** out = exp(a) over n floats. */
export function exp(a: usize, out: usize, n: i32): void {
  unaryMap(FN_EXP, a, out, n);
}
/** out = log(a) (natural) over n floats. */
export function log(a: usize, out: usize, n: i32): void {
  unaryMap(FN_LOG, a, out, n);
}
/** out = tanh(a) over n floats. */
export function tanh(a: usize, out: usize, n: i32): void {
  unaryMap(FN_TANH, a, out, n);
}
/** out = 1 / (1 + exp(-a)) over n floats. */
export function sigmoid(a: usize, out: usize, n: i32): void {
  unaryMap(FN_SIGMOID, a, out, n);
}
/** out = max(a, 0) over n floats (NaN stays NaN; -0 may stay -0). */
export function relu(a: usize, out: usize, n: i32): void {
  unaryMap(FN_RELU, a, out, n);
}
