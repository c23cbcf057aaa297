// Four-lane gate nonlinearities shared by the fused recurrent kernels: sigmoid and tanh on an
// f32x4, evaluated in f64 lanes through vmath.ts so each result is float32-ulp accurate (the
// same method as the unary kernels).

import { expF64, expm1F64, highToF64, lowToF64, toF32 } from "./vmath";

const TANH_CLAMP: f32 = 20;
const SIGMOID_CLAMP: f32 = 120;
const SIGN_MASK: i32 = 0x80000000;

/** σ(x) = 1 / (1 + e^(−x)) on four lanes. */
// @ts-ignore: decorator
@inline
export function sigmoid4(x: v128): v128 {
  const negX = f32x4.pmin(f32x4.pmax(f32x4.neg(x), f32x4.splat(-SIGMOID_CLAMP)), f32x4.splat(SIGMOID_CLAMP));
  const one = f64x2.splat(1.0);
  const lo = f64x2.div(one, f64x2.add(one, expF64(lowToF64(negX))));
  const hi = f64x2.div(one, f64x2.add(one, expF64(highToF64(negX))));
  return toF32(lo, hi);
}

/** tanh(x) on four lanes: tanh|x| = u / (u + 2) with u = expm1(2|x|), sign copied back. */
// @ts-ignore: decorator
@inline
export function tanh4(x: v128): v128 {
  const ax = f32x4.pmin(f32x4.abs(x), f32x4.splat(TANH_CLAMP));
  const two = f64x2.splat(2.0);
  const uLo = expm1F64(f64x2.mul(lowToF64(ax), two));
  const uHi = expm1F64(f64x2.mul(highToF64(ax), two));
  const mag = toF32(f64x2.div(uLo, f64x2.add(uLo, two)), f64x2.div(uHi, f64x2.add(uHi, two)));
  return v128.or(mag, v128.and(x, i32x4.splat(SIGN_MASK)));
}

/** Scalar σ and tanh for the tail lanes (H not a multiple of 4). */
export function sigmoid1(x: f32): f32 {
  return f32x4.extract_lane(sigmoid4(f32x4.splat(x)), 0);
}

export function tanh1(x: f32): f32 {
  return f32x4.extract_lane(tanh4(f32x4.splat(x)), 0);
}
