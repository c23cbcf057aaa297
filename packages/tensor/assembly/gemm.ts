// Single-precision GEMM, row-major BLAS semantics: C = alpha·op(A)·op(B) + beta·C.
// Matrix products dominate recurrent-model training time (input projections, recurrent steps and their
// gradients), so this is the kernel that decides the speed of the whole library.
//
// Blocking scheme (Goto/BLIS style, loops from outside in):
//   jc: columns of C in blocks of NC      — packed B block (KC×NC) lives in L2/L3
//   pc: the k dimension in blocks of KC   — first block applies beta, later ones add (beta=1)
//       pack op(B)[pc.., jc..] once
//   ic: rows of C in blocks of MC         — packed A block (MC×KC) lives in L2
//       pack op(A)[ic.., pc..]
//   jr: NR-column slivers of the B block  — one B sliver (KC×NR) stays hot in L1
//   ir: MR-row slivers of the A block     — micro-kernel, MR×NR tile of C in registers
//
// A right-edge sliver with ≤ 4 valid columns uses a 4×4 kernel (half the work of 4×8).
// Scratch (`work`, 16-byte aligned, size from sgemmWorkBytes) holds both packed blocks and a
// small tile for partial edge tiles, so the kernel never allocates.
//
// Measured on this machine (Zen 5, Node 20): packing both operands always beat reading the
// contiguous operand in place (2^k leading dimensions thrash L1 sets), and 4×8 beat 5×8, 6×8,
// 3×12 and 2×16 tiles and k-unrolling (V8 hoists a loop body's loads, so those spill registers).

import { MR, NR, microKernel, microKernelNarrow } from "./gemm-kernel";
import { A_COPIES, packA, packB } from "./gemm-pack";

/** Depth of a packed block: a KC×NR B sliver is 8 KiB, comfortably inside L1. */
const KC: i32 = 256;
/** Rows of op(A) packed at once: MC×KC floats, four copies each (see packA) = 256 KiB, inside L2. */
const MC: i32 = 64;
/** Columns of op(B) packed at once: KC×NC floats = 4 MiB at most. */
const NC: i32 = 4096;
/** Bytes reserved at the start of `work` for one spilled MR×NR edge tile (64-byte aligned). */
const EDGE_BYTES: i32 = 128;

// @ts-ignore: decorator
@inline
function roundUp(x: i32, to: i32): i32 {
  return ((x + to - 1) / to) * to;
}

/** Scratch bytes `sgemm` needs in `work` for these dimensions (0 if there is nothing to do). */
export function sgemmWorkBytes(m: i32, n: i32, k: i32): i32 {
  if (m <= 0 || n <= 0 || k <= 0) return 0;
  const kc = min(k, KC);
  const mc = roundUp(min(m, MC), MR);
  const nc = roundUp(min(n, NC), NR);
  return EDGE_BYTES + (A_COPIES * mc + nc) * kc * 4;
}

/**
 * C = alpha·op(A)·op(B) + beta·C with op(A) [m,k] and op(B) [k,n], all row-major.
 * transA: A is stored [k,m] (row stride lda) and read transposed; likewise transB, B [n,k].
 * beta = 0 ignores C's previous contents entirely (NaN included).
 */
export function sgemm(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  gemmBlocks(transA, transB, m, n, k, alpha, a, lda, b, ldb, 0, beta, c, ldc, work);
}

/**
 * sgemm with op(B) packed beforehand by `packWholeB` (at `packedB`): for a product repeated
 * with the same B, as the recurrent weights are at every step of a sequence.
 */
export function sgemmPackedB(
  transA: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  packedB: usize,
  beta: f32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  gemmBlocks(transA, 0, m, n, k, alpha, a, lda, 0, 0, packedB, beta, c, ldc, work);
}

/** Bytes `packWholeB` writes for an op(B) of [k, n]. */
export function packedBBytes(n: i32, k: i32): i32 {
  if (n <= 0 || k <= 0) return 0;
  const lastBlock = ((n - 1) / NC) * NC;
  return (lastBlock * k + roundUp(n - lastBlock, NR) * k) * 4;
}

/** Float offset of block (jc, pc) of a whole packed op(B): full column blocks first. */
// @ts-ignore: decorator
@inline
function packedOffset(n: i32, k: i32, jc: i32, pc: i32): i32 {
  return jc * k + pc * roundUp(min(NC, n - jc), NR);
}

/** Packs all of op(B) [k, n], block after block as sgemm visits them, for `sgemmPackedB`. */
export function packWholeB(transB: i32, n: i32, k: i32, b: usize, ldb: i32, dst: usize): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB != 0, b, ldb, pc, kc, jc, nc, dst + (<usize>packedOffset(n, k, jc, pc) << 2));
    }
  }
}

/** The blocked product; op(B) is packed here block by block, or read from `packedB` if non-zero. */
// @ts-ignore: decorator
@inline
function gemmBlocks(
  transA: i32,
  transB: i32,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  packedB: usize,
  beta: f32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldcBytes = <usize>ldc << 2;
  if (k <= 0 || alpha == 0) {
    scaleMatrix(c, ldcBytes, m, n, beta);
    return;
  }
  const kcMax = min(k, KC);
  const edge = work;
  const aPack = work + EDGE_BYTES;
  const bPack = aPack + <usize>(A_COPIES * roundUp(min(m, MC), MR) * kcMax) * 4;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const betaBlock: f32 = pc == 0 ? beta : 1;
      let bBlock = bPack;
      if (packedB != 0) bBlock = packedB + (<usize>packedOffset(n, k, jc, pc) << 2);
      else packB(transB != 0, b, ldb, pc, kc, jc, nc, bPack);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(transA != 0, a, lda, ic, mc, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const bSliver = bBlock + <usize>(jr * kc) * 4;
          const cCol = c + (<usize>(jc + jr) << 2);
          if (cols <= 4) {
            for (let ir = 0; ir < mc; ir += MR) {
              const cTile = cCol + <usize>(ic + ir) * ldcBytes;
              const aSliver = aPack + <usize>(A_COPIES * ir * kc) * 4;
              microKernelNarrow(kc, aSliver, bSliver, cTile, ldcBytes, min(MR, mc - ir), cols, alpha, betaBlock, edge);
            }
            continue;
          }
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            microKernel(
              kc,
              aPack + <usize>(A_COPIES * ir * kc) * 4,
              bSliver,
              cCol + <usize>(ic + ir) * ldcBytes,
              ldcBytes,
              rows,
              cols,
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

/** C = beta·C over an m×n block (beta = 0 writes zeros without reading). */
function scaleMatrix(c: usize, ldcBytes: usize, m: i32, n: i32, beta: f32): void {
  if (beta == 1) return;
  const vb = f32x4.splat(beta);
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * ldcBytes;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const p = row + (<usize>j << 2);
      v128.store(p, beta == 0 ? f32x4.splat(0) : f32x4.mul(v128.load(p), vb));
    }
    for (; j < n; j++) {
      const p = row + (<usize>j << 2);
      store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
    }
  }
}

