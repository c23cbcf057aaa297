/**
 * A [rows, width] window onto a tensor's storage that the generated paths
 * move from step to step by changing `offset` alone: one object made per
 * sequence, so a step allocates no view.
 */
import type { DType, Shape, Storage, Tensor } from "@recurrent/tensor";

export interface RowsView {
  storage: Storage;
  dtype: DType;
  shape: Shape;
  strides: Shape;
  offset: number;
}

export function rowsView(t: Tensor, rows: number, width: number): RowsView {
  return {
    storage: t.storage,
    dtype: t.dtype,
    shape: [rows, width],
    strides: [width, 1],
    offset: t.offset,
  };
}
