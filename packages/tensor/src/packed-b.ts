/**
 * Packed-B GEMM: a right-hand matrix packed once and multiplied many times,
 * as a recurrence multiplies every step's state by the same weights. `packB`
 * copies op(B) into the layout the backend's GEMM reads (the wasm backend's
 * panel order; a contiguous [k, n] copy on js), and `gemmPacked` computes
 * out = alpha·op(a)·B + beta·out from it without packing again. The handle
 * owns its copy: `dispose()` frees it; later changes to B are not seen.
 */
import type { DType } from "./dtype.js";
import { TensorError } from "./errors.js";

/** An op(B) of shape [k, n] packed by a backend's `packB`. */
export interface PackedB {
  /** Rows of op(B) (the inner dimension of the product). */
  readonly k: number;
  /** Columns of op(B) (the output's columns). */
  readonly n: number;
  readonly dtype: DType;
  /** The backend whose `gemmPacked` reads it ("js" handles work on every host-memory backend). */
  readonly backend: string;
  readonly disposed: boolean;
  /** Free the packed copy; using the handle afterwards throws. */
  dispose(): void;
}

/** out = alpha·op(a)·B + beta·out (beta = 0 ignores out's old contents). */
export interface PackedGemmSpec {
  readonly transposeA: boolean;
  readonly alpha: number;
  readonly beta: number;
}

/** Throws unless `a` (op(a) is [m, k]) and `out` ([m, n]) fit `packed`; returns m. */
export function checkPackedGemm(
  aShape: readonly number[],
  packed: PackedB,
  outShape: readonly number[],
  spec: PackedGemmSpec,
): number {
  if (packed.disposed) {
    throw new TensorError(
      "DISPOSED",
      "gemmPacked: the PackedB was disposed (pack B again with packB)",
    );
  }
  if (aShape.length !== 2 || outShape.length !== 2) {
    throw new TensorError(
      "SHAPE",
      `gemmPacked: expected 2-D a and out, got a [${aShape.join(",")}] and out [${outShape.join(",")}]`,
    );
  }
  const [m, k] = spec.transposeA ? [aShape[1], aShape[0]] : [aShape[0], aShape[1]];
  if (k !== packed.k || outShape[0] !== m || outShape[1] !== packed.n) {
    throw new TensorError(
      "SHAPE",
      `gemmPacked: expected op(a) [m,${packed.k}] and out [m,${packed.n}] for a packed B of [${packed.k},${packed.n}], got op(a) [${m},${k}] and out [${outShape.join(",")}]`,
    );
  }
  return m as number;
}
