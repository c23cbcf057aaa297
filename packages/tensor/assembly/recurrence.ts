// The generic recurrence (format in src/recurrence.ts), run in one call: for each step, the
// ops of a descriptor in order, packed-B GEMMs and row programs, over rows row0..row0+rows-1.
// Called once on one thread, or once per block of rows on each thread of a pool (rows never
// interact unless a program accumulates across rows, which the caller keeps on one thread).
//
// Descriptor (i32 words; pointers are byte addresses, strides of GEMM operands in bytes per
// step, leading dimensions in elements):
//   [ops]
//   GEMM    [0, a, aStep, lda, packedB, c, cStep, ldc, n, k, beta]
//   PROGRAM [1, code, count, constants, stride, width, operands, bases, layout, steps]
// A program's `layout` holds [offset, rowStride, colStride] per operand (elements from its
// base) and `steps` its step stride; per step the offsets move into the scratch layout.
// `scratch` holds the registers (`regsBytes`) and then the moving layout.

import { sgemmPackedB } from "./gemm";
import { rowProgram } from "./row-program";

const GEMM_WORDS: usize = 11 * 4;
const PROGRAM_WORDS: usize = 10 * 4;

export function recurrence(
  desc: usize,
  steps: i32,
  row0: i32,
  rows: i32,
  work: usize,
  scratch: usize,
  regsBytes: i32,
): void {
  const count = load<i32>(desc);
  const layoutNow = scratch + <usize>regsBytes;
  for (let s = 0; s < steps; s++) {
    let p = desc + 4;
    for (let i = 0; i < count; i++) {
      if (load<i32>(p) == 0) {
        const lda = load<i32>(p, 12);
        const ldc = load<i32>(p, 28);
        const a = <usize>(load<i32>(p, 4) + s * load<i32>(p, 8) + row0 * lda * 4);
        const c = <usize>(load<i32>(p, 20) + s * load<i32>(p, 24) + row0 * ldc * 4);
        const packed = <usize>load<i32>(p, 16);
        const beta = <f32>load<i32>(p, 40);
        sgemmPackedB(0, rows, load<i32>(p, 32), load<i32>(p, 36), 1, a, lda, packed, beta, c, ldc, work);
        p += GEMM_WORDS;
        continue;
      }
      const operands = load<i32>(p, 24);
      const layout = <usize>load<i32>(p, 32);
      const stepsAt = <usize>load<i32>(p, 36);
      for (let k = 0; k < operands; k++) {
        const from = layout + <usize>k * 12;
        const to = layoutNow + <usize>k * 12;
        const rowStride = load<i32>(from, 4);
        const step = load<i32>(stepsAt + (<usize>k << 2));
        store<i32>(to, load<i32>(from) + s * step + row0 * rowStride);
        store<i32>(to, rowStride, 4);
        store<i32>(to, load<i32>(from, 8), 8);
      }
      rowProgram(
        <usize>load<i32>(p, 4),
        load<i32>(p, 8),
        <usize>load<i32>(p, 12),
        <usize>load<i32>(p, 28),
        layoutNow,
        scratch,
        load<i32>(p, 16),
        rows,
        load<i32>(p, 20),
      );
      p += PROGRAM_WORDS;
    }
  }
}
