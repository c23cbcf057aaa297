// Matrix–vector products, the m = 1 case of GEMM (one sequence generating one token at a time):
// no packing, which for a single row would cost more than the product itself.
//   trans = 0: y = α·A·x + β·y, A [rows, cols] row-major (lda), x [cols], y [rows]  (dot products)
//   trans = 1: y = α·Aᵀ·x + β·y, x [rows], y [cols]                                  (axpy sweeps)
// β = 0 ignores y's old contents (even NaN), as in sgemm.

export function sgemv(
  trans: i32, rows: i32, cols: i32, alpha: f32, a: usize, lda: i32, x: usize, beta: f32, y: usize,
): void {
  if (trans == 0) {
    gemvRows(rows, cols, alpha, a, lda, x, beta, y);
  } else {
    gemvColumns(rows, cols, alpha, a, lda, x, beta, y);
  }
}

// @ts-ignore: decorator
@inline
function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** y[r] = α·Σ_c A[r,c]·x[c] + β·y[r], four rows at a time so each load of x serves four rows. */
function gemvRows(rows: i32, cols: i32, alpha: f32, a: usize, lda: i32, x: usize, beta: f32, y: usize): void {
  const stride = <usize>lda << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const r0 = a + <usize>r * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      const xv = v128.load(x + o);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(r0 + o), xv));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(r1 + o), xv));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(r2 + o), xv));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(r3 + o), xv));
    }
    let t0 = hsum(s0);
    let t1 = hsum(s1);
    let t2 = hsum(s2);
    let t3 = hsum(s3);
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      const xc = load<f32>(x + o);
      t0 += load<f32>(r0 + o) * xc;
      t1 += load<f32>(r1 + o) * xc;
      t2 += load<f32>(r2 + o) * xc;
      t3 += load<f32>(r3 + o) * xc;
    }
    storeScaled(y, r, alpha * t0, beta);
    storeScaled(y, r + 1, alpha * t1, beta);
    storeScaled(y, r + 2, alpha * t2, beta);
    storeScaled(y, r + 3, alpha * t3, beta);
  }
  for (; r < rows; r++) {
    const row = a + <usize>r * stride;
    let s = f32x4.splat(0);
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      s = f32x4.add(s, f32x4.mul(v128.load(row + o), v128.load(x + o)));
    }
    let t = hsum(s);
    for (; c < cols; c++) t += load<f32>(row + (<usize>c << 2)) * load<f32>(x + (<usize>c << 2));
    storeScaled(y, r, alpha * t, beta);
  }
}

// @ts-ignore: decorator
@inline
function storeScaled(y: usize, i: i32, value: f32, beta: f32): void {
  const at = y + (<usize>i << 2);
  store<f32>(at, beta == 0 ? value : value + beta * load<f32>(at));
}

/** y = α·Aᵀ·x + β·y: scale y once, then add α·x[r]·A[r,:] row by row. */
function gemvColumns(rows: i32, cols: i32, alpha: f32, a: usize, lda: i32, x: usize, beta: f32, y: usize): void {
  const stride = <usize>lda << 2;
  let c = 0;
  if (beta == 0) {
    for (; c < cols; c++) store<f32>(y + (<usize>c << 2), 0);
  } else if (beta != 1) {
    for (; c < cols; c++) store<f32>(y + (<usize>c << 2), beta * load<f32>(y + (<usize>c << 2)));
  }
  for (let r = 0; r < rows; r++) {
    const coefficient = alpha * load<f32>(x + (<usize>r << 2));
    const k = f32x4.splat(coefficient);
    const row = a + <usize>r * stride;
    c = 0;
    for (; c + 4 <= cols; c += 4) {
      const o = <usize>c << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(k, v128.load(row + o))));
    }
    for (; c < cols; c++) {
      const o = <usize>c << 2;
      store<f32>(y + o, load<f32>(y + o) + coefficient * load<f32>(row + o));
    }
  }
}
