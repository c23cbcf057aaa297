// The f32 GEMM micro-kernel: the innermost loop where nearly all GEMM time is spent.
//
// It multiplies one packed MR×kc sliver of op(A) by one packed kc×NR sliver of op(B) and
// keeps the MR×NR block of C in SIMD registers the whole time (register blocking). Per k step
// it loads NR/4 vectors of B and MR vectors of A (each one value of A four times over, as
// packA lays them out: plain loads use load ports only, where a broadcast load would also take
// one of the FP pipes the multiply-adds need), and does MR·NR/4 multiply-adds.
// Node 20 has no relaxed-SIMD FMA without a flag, so a multiply-add is f32x4.mul + f32x4.add.
//
// Register budget: V8 on x64 gives wasm 15 usable xmm registers, and TurboFan schedules all
// loads of a loop body first, so every vector of A is live at once. 4×8 needs
// 8 accumulators + 2 B vectors + 4 A vectors + 1 product temporary = 15: exactly no spill.
// (5×8, 6×8 or a k-unrolled 4×8 spill and run at half speed; checked with --print-wasm-code.)

/** Rows of C computed per micro-kernel call. */
export const MR: i32 = 4;
/** Columns of C computed per micro-kernel call (two f32x4 vectors). */
export const NR: i32 = 8;

/**
 * Computes the MR×NR product of packed slivers and merges it into C:
 * `C = alpha·acc + beta·C`, where beta = 0 never reads C (so NaN garbage is ignored).
 *
 * Packed layouts (see gemm-pack.ts): `aPanel[4·(p*MR + r) + 0..3]` and `bPanel[p*NR + c]`, both
 * contiguous in p. When the tile is only partly inside C (`rows < MR` or `cols < NR`),
 * the accumulators are spilled to `edge` (MR·NR floats of scratch) and copied element-wise.
 */
// @ts-ignore: decorator
@inline
export function microKernel(
  kc: i32,
  aPanel: usize,
  bPanel: usize,
  c: usize,
  ldcBytes: usize,
  rows: i32,
  cols: i32,
  alpha: f32,
  beta: f32,
  edge: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let ap = aPanel;
  let bp = bPanel;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp, 0);
    const b1 = v128.load(bp, 16);
    let a = v128.load(ap, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load(ap, 16);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load(ap, 32);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load(ap, 48);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    ap += MR * 16; // MR values of A, four copies each
    bp += NR * 4;
  }

  if (rows == MR && cols == NR) {
    storeRow(c, c00, c01, alpha, beta);
    storeRow(c + ldcBytes, c10, c11, alpha, beta);
    storeRow(c + 2 * ldcBytes, c20, c21, alpha, beta);
    storeRow(c + 3 * ldcBytes, c30, c31, alpha, beta);
    return;
  }
  v128.store(edge, c00, 0);
  v128.store(edge, c01, 16);
  v128.store(edge, c10, 32);
  v128.store(edge, c11, 48);
  v128.store(edge, c20, 64);
  v128.store(edge, c21, 80);
  v128.store(edge, c30, 96);
  v128.store(edge, c31, 112);
  storeEdge(c, ldcBytes, edge, rows, cols, alpha, beta);
}

/**
 * The same product for a right-edge tile with at most 4 valid columns: only the first vector
 * of each packed B row is used, halving the work on the last sliver (n = 65 → 68 columns
 * computed instead of 72). Always merges through `edge` (the tile is partial by definition).
 */
export function microKernelNarrow(
  kc: i32,
  aPanel: usize,
  bPanel: usize,
  c: usize,
  ldcBytes: usize,
  rows: i32,
  cols: i32,
  alpha: f32,
  beta: f32,
  edge: usize,
): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  let ap = aPanel;
  let bp = bPanel;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    c0 = f32x4.add(c0, f32x4.mul(v128.load(ap, 0), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load(ap, 16), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load(ap, 32), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load(ap, 48), b0));
    ap += MR * 16; // MR values of A, four copies each
    bp += NR * 4;
  }
  v128.store(edge, c0, 0);
  v128.store(edge, c1, NR * 4);
  v128.store(edge, c2, NR * 8);
  v128.store(edge, c3, NR * 12);
  storeEdge(c, ldcBytes, edge, rows, cols, alpha, beta);
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, acc0: v128, acc1: v128, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha);
  let r0 = f32x4.mul(acc0, va);
  let r1 = f32x4.mul(acc1, va);
  if (beta != 0) {
    const vb = f32x4.splat(beta);
    r0 = f32x4.add(r0, f32x4.mul(v128.load(c, 0), vb));
    r1 = f32x4.add(r1, f32x4.mul(v128.load(c, 16), vb));
  }
  v128.store(c, r0, 0);
  v128.store(c, r1, 16);
}

/** Merges the valid `rows × cols` corner of an MR×NR tile spilled to `edge` into C. */
function storeEdge(
  c: usize,
  ldcBytes: usize,
  edge: usize,
  rows: i32,
  cols: i32,
  alpha: f32,
  beta: f32,
): void {
  for (let r = 0; r < rows; r++) {
    const cRow = c + <usize>r * ldcBytes;
    const eRow = edge + <usize>(r * NR * 4);
    for (let j = 0; j < cols; j++) {
      const cp = cRow + (<usize>j << 2);
      const v = alpha * load<f32>(eRow + (<usize>j << 2));
      store<f32>(cp, beta == 0 ? v : v + beta * load<f32>(cp));
    }
  }
}
