// Packing for the f32 GEMM: copies a cache-sized block of op(A) or op(B) into the scratch
// buffer in exactly the order the micro-kernel reads it, so the kernel streams contiguous,
// aligned memory whatever the caller's layout (plain or transposed, any leading dimension).
//
//   packed A block (mc × kc): slivers of MR rows; sliver s holds op(A)[s·MR + r][p] four
//                             times over at [4·(s·MR·kc + p·MR + r) + 0..3]. Rows past m are zero.
//                             The copies let the micro-kernel load each value as a ready
//                             vector: a broadcast load would take an FP pipe the multiply-adds
//                             need (measured: ~33 → ~45 GFLOP/s on the recurrent shapes).
//   packed B block (kc × nc): slivers of NR columns; sliver s holds op(B)[p][s·NR + c] at
//                             [s·NR·kc + p·NR + c]. Columns past n are zero.
//
// Transposition is absorbed here: whichever layout makes the sliver's MR (or NR) values
// contiguous in memory is copied with vector loads, four slivers per pass so each cache line
// of the source is read once (leading dimensions are often powers of two, and rows that far
// apart share L1 sets); the other layout is gathered 4×4 at a time and transposed in registers.
// The vector paths assume MR = 4 and NR = 8 (checked at compile time); partial slivers at the
// edges, or other tile shapes, are packed element by element.

import { MR, NR } from "./gemm-kernel";

/** Copies of each value of A in a packed A block. */
export const A_COPIES: i32 = 4;

/**
 * Packs op(A)[i0 .. i0+mc)[p0 .. p0+kc) into `dst`. `a` points at A[0][0]; with `transA` the
 * storage is [k][m] and op(A)[i][p] = a[p·lda + i], otherwise op(A)[i][p] = a[i·lda + p].
 */
export function packA(
  transA: bool,
  a: usize,
  lda: i32,
  i0: i32,
  mc: i32,
  p0: i32,
  kc: i32,
  dst: usize,
): void {
  const ldaBytes = <usize>lda << 2;
  let iStart = 0;
  if (transA && MR == 4) {
    // Transposed A: copy four slivers per pass, so each 64-byte run of a row of A is read once.
    const fourSlivers = mc - mc % (4 * MR);
    packKMajorFourSlivers(a + <usize>p0 * ldaBytes + (<usize>i0 << 2), ldaBytes, kc, fourSlivers, dst);
    iStart = fourSlivers;
  }
  for (let i = iStart; i < mc; i += MR) {
    const rows = min(MR, mc - i);
    const sliver = dst + <usize>(i * kc) * 4;
    if (rows == MR && MR == 4) {
      if (transA) packKMajor4(a + <usize>p0 * ldaBytes + (<usize>(i0 + i) << 2), ldaBytes, kc, sliver);
      else packRowMajor4(a + <usize>(i0 + i) * ldaBytes + (<usize>p0 << 2), ldaBytes, kc, sliver);
    } else {
      // Partial sliver at the bottom edge: element-wise, zero-padded to MR rows.
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          let v: f32 = 0;
          if (r < rows) {
            const row = <usize>(i0 + i + r);
            const col = <usize>(p0 + p);
            v = transA ? load<f32>(a + col * ldaBytes + (row << 2)) : load<f32>(a + row * ldaBytes + (col << 2));
          }
          store<f32>(sliver + <usize>(p * MR + r) * 4, v);
        }
      }
    }
  }
  splatInPlace(dst, ((mc + MR - 1) / MR) * MR * kc);
}

/**
 * Packs op(B)[p0 .. p0+kc)[j0 .. j0+nc) into `dst`. With `transB` the storage is [n][k] and
 * op(B)[p][j] = b[j·ldb + p], otherwise op(B)[p][j] = b[p·ldb + j].
 */
export function packB(
  transB: bool,
  b: usize,
  ldb: i32,
  p0: i32,
  kc: i32,
  j0: i32,
  nc: i32,
  dst: usize,
): void {
  const ldbBytes = <usize>ldb << 2;
  let jStart = 0;
  if (!transB && NR == 8) {
    // Plain B: copy four slivers per pass, so each 128-byte run of a row of B is read once
    // (sliver by sliver, rows 2^k floats apart would evict each other's lines from L1).
    const fourSlivers = nc - nc % (4 * NR);
    packRowsFourSlivers(b + <usize>p0 * ldbBytes + (<usize>j0 << 2), ldbBytes, kc, fourSlivers, dst);
    jStart = fourSlivers;
  }
  for (let j = jStart; j < nc; j += NR) {
    const cols = min(NR, nc - j);
    const sliver = dst + <usize>(j * kc) * 4;
    if (cols == NR && NR == 8) {
      if (transB) {
        const src = b + <usize>(j0 + j) * ldbBytes + (<usize>p0 << 2);
        // Two 4-column halves, each a transposed gather written with stride NR.
        packRowMajor4Strided(src, ldbBytes, kc, sliver, NR);
        packRowMajor4Strided(src + 4 * ldbBytes, ldbBytes, kc, sliver + 16, NR);
      } else {
        let src = b + <usize>p0 * ldbBytes + (<usize>(j0 + j) << 2);
        let out = sliver;
        for (let p = 0; p < kc; p++) {
          v128.store(out, v128.load(src, 0), 0);
          v128.store(out, v128.load(src, 16), 16);
          src += ldbBytes;
          out += NR * 4;
        }
      }
    } else {
      // Partial sliver at the right edge: element-wise, zero-padded to NR columns.
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          let v: f32 = 0;
          if (c < cols) {
            const row = <usize>(p0 + p);
            const col = <usize>(j0 + j + c);
            v = transB ? load<f32>(b + col * ldbBytes + (row << 2)) : load<f32>(b + row * ldbBytes + (col << 2));
          }
          store<f32>(sliver + <usize>(p * NR + c) * 4, v);
        }
      }
    }
  }
}

/** Packs `width` (a multiple of 4·NR) columns of plain row-major B, four NR-slivers at a time. */
function packRowsFourSlivers(src: usize, ldbBytes: usize, kc: i32, width: i32, dst: usize): void {
  const sliverBytes = <usize>(kc * NR) * 4;
  for (let j = 0; j < width; j += 4 * NR) {
    let row = src + (<usize>j << 2);
    let out = dst + <usize>(j * kc) * 4;
    for (let p = 0; p < kc; p++) {
      v128.store(out, v128.load(row, 0), 0);
      v128.store(out, v128.load(row, 16), 16);
      v128.store(out + sliverBytes, v128.load(row, 32), 0);
      v128.store(out + sliverBytes, v128.load(row, 48), 16);
      v128.store(out + 2 * sliverBytes, v128.load(row, 64), 0);
      v128.store(out + 2 * sliverBytes, v128.load(row, 80), 16);
      v128.store(out + 3 * sliverBytes, v128.load(row, 96), 0);
      v128.store(out + 3 * sliverBytes, v128.load(row, 112), 16);
      row += ldbBytes;
      out += NR * 4;
    }
  }
}

/** Four rows that are contiguous along p (row stride `strideBytes`) → MR-interleaved sliver. */
// @ts-ignore: decorator
@inline
function packRowMajor4(src: usize, strideBytes: usize, kc: i32, dst: usize): void {
  packRowMajor4Strided(src, strideBytes, kc, dst, MR);
}

/**
 * Reads 4 rows of length kc (contiguous along p) and writes them interleaved: element (r, p)
 * goes to dst[p·outStride + r]. Whole 4×4 blocks are transposed in registers.
 */
function packRowMajor4Strided(
  src: usize,
  strideBytes: usize,
  kc: i32,
  dst: usize,
  outStride: i32,
): void {
  const r0 = src;
  const r1 = src + strideBytes;
  const r2 = src + 2 * strideBytes;
  const r3 = src + 3 * strideBytes;
  const outBytes = <usize>outStride << 2;
  let p = 0;
  for (; p + 4 <= kc; p += 4) {
    const off = <usize>p << 2;
    const x0 = v128.load(r0 + off);
    const x1 = v128.load(r1 + off);
    const x2 = v128.load(r2 + off);
    const x3 = v128.load(r3 + off);
    // 4×4 transpose: t0 = [x0_0 x1_0 x0_1 x1_1], t1 = [x0_2 x1_2 x0_3 x1_3], likewise t2, t3.
    const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
    const out = dst + <usize>p * outBytes;
    v128.store(out, i64x2.shuffle(t0, t2, 0, 2));
    v128.store(out + outBytes, i64x2.shuffle(t0, t2, 1, 3));
    v128.store(out + 2 * outBytes, i64x2.shuffle(t1, t3, 0, 2));
    v128.store(out + 3 * outBytes, i64x2.shuffle(t1, t3, 1, 3));
  }
  for (; p < kc; p++) {
    const off = <usize>p << 2;
    const out = dst + <usize>p * outBytes;
    store<f32>(out, load<f32>(r0 + off), 0);
    store<f32>(out, load<f32>(r1 + off), 4);
    store<f32>(out, load<f32>(r2 + off), 8);
    store<f32>(out, load<f32>(r3 + off), 12);
  }
}

/** Packs `height` (a multiple of 4·MR) rows of op(A) from transposed storage, four slivers a pass. */
function packKMajorFourSlivers(src: usize, ldaBytes: usize, kc: i32, height: i32, dst: usize): void {
  const sliverBytes = <usize>(kc * MR) * 4;
  for (let i = 0; i < height; i += 4 * MR) {
    let row = src + (<usize>i << 2);
    let out = dst + <usize>(i * kc) * 4;
    for (let p = 0; p < kc; p++) {
      v128.store(out, v128.load(row, 0));
      v128.store(out + sliverBytes, v128.load(row, 16));
      v128.store(out + 2 * sliverBytes, v128.load(row, 32));
      v128.store(out + 3 * sliverBytes, v128.load(row, 48));
      row += ldaBytes;
      out += MR * 4;
    }
  }
}

/** Four values contiguous along the sliver (stride `strideBytes` per p) → one vector per p. */
function packKMajor4(src: usize, strideBytes: usize, kc: i32, dst: usize): void {
  let s = src;
  let out = dst;
  for (let p = 0; p < kc; p++) {
    v128.store(out, v128.load(s));
    s += strideBytes;
    out += MR * 4;
  }
}

/** Spreads `count` packed floats to A_COPIES each, from the end so nothing unread is overwritten. */
function splatInPlace(p: usize, count: i32): void {
  for (let i = count - 1; i >= 0; i--) {
    v128.store(p + (<usize>i << 4), v128.load32_splat(p + (<usize>i << 2)));
  }
}
