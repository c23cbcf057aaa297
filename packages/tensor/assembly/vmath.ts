// Vectorised transcendental functions for the unary kernels (exp, log, tanh, sigmoid).
//
// Accuracy strategy: an f32 result must be within ~1 float32 ulp of the true value, and a
// pure-f32 polynomial loses 1–2 ulp once tanh/sigmoid compose it with a division. So each f32x4
// is widened to two f64x2 halves, the function is evaluated in f64 with a polynomial accurate to
// ~2e-10 relative, and the result is rounded once back to f32. The error is then essentially the
// final rounding alone (≤ 0.5 ulp + 2e-10, i.e. ≲ 6e-8 relative for normal results), at about
// twice the cost of an f32 evaluation — still far cheaper than the GEMMs around it.
//
// Range reduction for exp: x = n·ln2 + r with n = round(x/ln2), |r| ≤ ln2/2, so
// exp(x) = 2^n·(1 + q(r)) where q(r) = expm1(r) is a degree-8 Taylor polynomial
// (truncation error ≤ 2e-10 relative). 2^n is built directly in the exponent bits.
// log: x = 2^e·m with m in [√½, √2), log m = 2·atanh(f), f = (m−1)/(m+1), |f| ≤ 0.172,
// as an odd series in f up to f^13 (truncation ≤ 2e-12 relative).

// round(x) for |x| < 2^51 by adding and subtracting 1.5·2^52; the low mantissa bits of the
// sum also hold the integer itself, which builds 2^n without a float→int conversion.
const ROUND_MAGIC: f64 = 6755399441055744.0;
const LOG2E: f64 = 1.4426950408889634;
const LN2: f64 = 0.6931471805599453;

/** Widens lanes 0–1 of an f32x4 to f64x2. */
// @ts-ignore: decorator
@inline
export function lowToF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Widens lanes 2–3 of an f32x4 to f64x2. */
// @ts-ignore: decorator
@inline
export function highToF64(v: v128): v128 {
  return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1));
}

/** Rounds two f64x2 (lanes 0–1 and 2–3) back to one f32x4. */
// @ts-ignore: decorator
@inline
export function toF32(lo: v128, hi: v128): v128 {
  return i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
}

/** t = round(x/ln2) + ROUND_MAGIC, exactly; the shared first step of expF64 and expm1F64. */
// @ts-ignore: decorator
@inline
function reduceExp(x: v128): v128 {
  // t = n + ROUND_MAGIC exactly; n = t − ROUND_MAGIC.
  return f64x2.add(f64x2.mul(x, f64x2.splat(LOG2E)), f64x2.splat(ROUND_MAGIC));
}

/**
 * q(r) = expm1(r) for |r| ≤ ln2/2: r + r²·(1/2! + r/3! + … + r⁶/8!), the Taylor polynomial of
 * degree 8 (truncation r⁹/9! ≤ 2e-10, relative), evaluated Estrin-style so the dependency
 * chain is short and successive vectors overlap in the pipeline.
 */
// @ts-ignore: decorator
@inline
function expm1Small(r: v128): v128 {
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const p01 = f64x2.add(f64x2.splat(1.0 / 2.0), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const p23 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const p45 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const p456 = f64x2.add(p45, f64x2.mul(r2, f64x2.splat(1.0 / 40320.0)));
  const p = f64x2.add(p01, f64x2.mul(r2, f64x2.add(p23, f64x2.mul(r2, p456))));
  // r + r²·p: adding r last keeps full relative accuracy for tiny r.
  return f64x2.add(r, f64x2.mul(r2, p));
}

/** 2^n as f64x2 from t = n + ROUND_MAGIC (n small): (bits(t) + 1023) << 52. */
// @ts-ignore: decorator
@inline
function pow2FromMagic(t: v128): v128 {
  return i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
}

/** exp(x) in f64x2 for |x| ≤ 700 (callers clamp), relative error ~2e-10. */
// @ts-ignore: decorator
@inline
export function expF64(x: v128): v128 {
  const t = reduceExp(x);
  const n = f64x2.sub(t, f64x2.splat(ROUND_MAGIC));
  const r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2)));
  const q = expm1Small(r);
  return f64x2.mul(f64x2.add(q, f64x2.splat(1.0)), pow2FromMagic(t));
}

/**
 * expm1(x) = exp(x) − 1 in f64x2 for x ≥ 0 or |x| small, relative error ~2e-10: when n = 0
 * the polynomial alone is returned, so small arguments lose nothing to cancellation.
 */
// @ts-ignore: decorator
@inline
export function expm1F64(x: v128): v128 {
  const t = reduceExp(x);
  const n = f64x2.sub(t, f64x2.splat(ROUND_MAGIC));
  const r = f64x2.sub(x, f64x2.mul(n, f64x2.splat(LN2)));
  const q = expm1Small(r);
  const scale = pow2FromMagic(t);
  // 2^n·q + (2^n − 1): exact when n = 0, no harmful cancellation when n ≥ 1.
  return f64x2.add(f64x2.mul(scale, q), f64x2.sub(scale, f64x2.splat(1.0)));
}

/** log(m) for m (f64x2) in [√½, √2) via the atanh series, relative error ~2e-12. */
// @ts-ignore: decorator
@inline
export function logReducedF64(m: v128): v128 {
  const one = f64x2.splat(1.0);
  const f = f64x2.div(f64x2.sub(m, one), f64x2.add(m, one));
  const s = f64x2.mul(f, f);
  let p = f64x2.splat(1.0 / 13.0);
  p = f64x2.add(f64x2.mul(p, s), f64x2.splat(1.0 / 11.0));
  p = f64x2.add(f64x2.mul(p, s), f64x2.splat(1.0 / 9.0));
  p = f64x2.add(f64x2.mul(p, s), f64x2.splat(1.0 / 7.0));
  p = f64x2.add(f64x2.mul(p, s), f64x2.splat(1.0 / 5.0));
  p = f64x2.add(f64x2.mul(p, s), f64x2.splat(1.0 / 3.0));
  // 2f + 2f·s·p
  const twoF = f64x2.add(f, f);
  return f64x2.add(twoF, f64x2.mul(f64x2.mul(twoF, s), p));
}

/** ln 2 as an f64x2 constant, for e·ln2 in log. */
// @ts-ignore: decorator
@inline
export function ln2F64(): v128 {
  return f64x2.splat(LN2);
}
