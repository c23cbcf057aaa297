/**
 * Raw 2-D row views for the fused kernels: a window of rows of a contiguous
 * buffer, as a plain object (no Tensor, no bookkeeping), so the time loop of
 * a fused op allocates nothing per step.
 */
import type { Tensor, View } from "@recurrent/tensor";

/** Rows [row, row + rows) of `t` seen as a [rows, width] matrix (t must be contiguous). */
export function rowsOf(t: Tensor, row: number, rows: number, width: number): View {
  return {
    storage: t.storage,
    dtype: t.dtype,
    shape: [rows, width],
    strides: [width, 1],
    offset: t.offset + row * width,
  };
}

/** A 1-D window [from, from + n) of a contiguous tensor, as a [n, 1] column (for per-row masks). */
export function column(t: Tensor, from: number, n: number): View {
  return {
    storage: t.storage,
    dtype: t.dtype,
    shape: [n, 1],
    strides: [1, 1],
    offset: t.offset + from,
  };
}
