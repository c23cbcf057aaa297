// Double-precision GEMM with the same row-major BLAS semantics and signature as sgemm:
// C = alpha·op(A)·op(B) + beta·C. Used for float64 tensors, mainly finite-difference gradient
// checks, so it favours simplicity over the last factor of speed: the same Goto/BLIS loop
// nest as gemm.ts (see there), a 4×4 f64x2 micro-kernel (8 accumulators, same register
// budget as the f32 4×8 one) and element-wise packing.

/** Rows of C per micro-kernel call. */
const DMR: i32 = 4;
/** Columns of C per micro-kernel call (two f64x2 vectors). */
const DNR: i32 = 4;
const DKC: i32 = 256;
const DMC: i32 = 64;
const DNC: i32 = 2048;
/** Bytes at the start of `work` for one spilled DMR×DNR edge tile (64-byte aligned). */
const DEDGE_BYTES: i32 = 128;

// @ts-ignore: decorator
@inline
function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/** Scratch bytes `dgemm` needs in `work` for these dimensions (0 if there is nothing to do). */
export function dgemmWorkBytes(m: i32, n: i32, k: i32): i32 {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  const kc = min(k, DKC);
  return DEDGE_BYTES + (roundUp(min(m, DMC), DMR) + roundUp(min(n, DNC), DNR)) * kc * 8;
}

/** f64 version of sgemm: C = alpha·op(A)·op(B) + beta·C, everything else identical. */
export function dgemm(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f64,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f64,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcBytes = <usize>ldc << 3;
  if (k <= 0 || alpha == 0) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const p = c + <usize>i * ldcBytes + (<usize>j << 3);
        store<f64>(p, beta == 0 ? 0 : beta * load<f64>(p));
      }
    }
    return;
  }
  const kcMax = min(k, DKC);
  const edge = work;
  const aPack = work + DEDGE_BYTES;
  const bPack = aPack + <usize>(roundUp(min(m, DMC), DMR) * kcMax) * 8;
  for (let jc = 0; jc < n; jc += DNC) {
    const nc = min(DNC, n - jc);
    for (let pc = 0; pc < k; pc += DKC) {
      const kc = min(DKC, k - pc);
      const betaBlock: f64 = pc == 0 ? beta : 1;
      packPanels(transB == 0, b, ldb, pc, kc, jc, nc, DNR, bPack);
      for (let ic = 0; ic < m; ic += DMC) {
        const mc = min(DMC, m - ic);
        packPanels(transA != 0, a, lda, pc, kc, ic, mc, DMR, aPack);
        for (let jr = 0; jr < nc; jr += DNR) {
          for (let ir = 0; ir < mc; ir += DMR) {
            kernel4x4(
              kc,
              aPack + <usize>(ir * kc) * 8,
              bPack + <usize>(jr * kc) * 8,
              c + <usize>(ic + ir) * ldcBytes + (<usize>(jc + jr) << 3),
              ldcBytes,
              min(DMR, mc - ir),
              min(DNR, nc - jr),
              alpha,
              betaBlock,
              edge,
            );
          }
        }
      }
    }
  }
}

/**
 * Packs a kc-deep block of `count` lines (rows of op(A) or columns of op(B)) starting at line
 * `l0` into slivers of `width` lines: sliver s holds line s·width + w at [s·width·kc + p·width + w],
 * zero-padded. `lineMajorAlongK`: the element (line l, depth p) sits at src[p·ld + l] (op(A) with
 * transA, op(B) without transB); otherwise at src[l·ld + p].
 */
function packPanels(
  lineMajorAlongK: bool,
  src: usize,
  ld: i32,
  p0: i32,
  kc: i32,
  l0: i32,
  count: i32,
  width: i32,
  dst: usize,
): void {
  const ldBytes = <usize>ld << 3;
  for (let s = 0; s < count; s += width) {
    const lines = min(width, count - s);
    const sliver = dst + <usize>(s * kc) * 8;
    for (let p = 0; p < kc; p++) {
      const out = sliver + <usize>(p * width) * 8;
      for (let w = 0; w < width; w++) {
        let v: f64 = 0;
        if (w < lines) {
          const line = <usize>(l0 + s + w);
          const depth = <usize>(p0 + p);
          v = lineMajorAlongK ? load<f64>(src + depth * ldBytes + (line << 3)) : load<f64>(src + line * ldBytes + (depth << 3));
        }
        store<f64>(out + (<usize>w << 3), v);
      }
    }
  }
}

/** 4×4 f64 micro-kernel over packed slivers; merges alpha·acc + beta·C (beta = 0: no read). */
// @ts-ignore: decorator
@inline
function kernel4x4(
  kc: i32,
  aPanel: usize,
  bPanel: usize,
  c: usize,
  ldcBytes: usize,
  rows: i32,
  cols: i32,
  alpha: f64,
  beta: f64,
  edge: usize,
): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  let ap = aPanel;
  let bp = bPanel;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp, 0);
    const b1 = v128.load(bp, 16);
    let x = v128.load64_splat(ap, 0);
    c00 = f64x2.add(c00, f64x2.mul(x, b0));
    c01 = f64x2.add(c01, f64x2.mul(x, b1));
    x = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(x, b0));
    c11 = f64x2.add(c11, f64x2.mul(x, b1));
    x = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(x, b0));
    c21 = f64x2.add(c21, f64x2.mul(x, b1));
    x = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(x, b0));
    c31 = f64x2.add(c31, f64x2.mul(x, b1));
    ap += DMR * 8;
    bp += DNR * 8;
  }
  v128.store(edge, c00, 0);
  v128.store(edge, c01, 16);
  v128.store(edge, c10, 32);
  v128.store(edge, c11, 48);
  v128.store(edge, c20, 64);
  v128.store(edge, c21, 80);
  v128.store(edge, c30, 96);
  v128.store(edge, c31, 112);
  for (let r = 0; r < rows; r++) {
    const cRow = c + <usize>r * ldcBytes;
    const eRow = edge + <usize>(r * DNR * 8);
    for (let j = 0; j < cols; j++) {
      const cp = cRow + (<usize>j << 3);
      const v = alpha * load<f64>(eRow + (<usize>j << 3));
      store<f64>(cp, beta == 0 ? v : v + beta * load<f64>(cp));
    }
  }
}
