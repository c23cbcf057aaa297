/**
 * Matrix product of the js backend: the textbook triple loop in i-p-j order
 * (the inner loop walks a row of B and a row of C), with transposed
 * operands read in place through their strides.
 */
import type { MatMulSpec, View } from "../../backend.js";
import { type Shape, sizeOf } from "../../shape.js";
import type { Storage } from "../../storage.js";

/** Storage offset of each batch matrix, in row-major order of the batch shape. */
export function batchOffsets(base: number, shape: Shape, strides: Shape): number[] {
  const count = sizeOf(shape);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let rest = i;
    let offset = base;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const d = shape[axis] as number;
      offset += (rest % d) * (strides[axis] as number);
      rest = Math.floor(rest / d);
    }
    out[i] = offset;
  }
  return out;
}

export function matMul(a: View, b: View, spec: MatMulSpec, out: Storage): void {
  const { m, n, k, transposeA, transposeB } = spec;
  const x = a.storage.array;
  const y = b.storage.array;
  const c = out.array;
  const ra = a.strides.length;
  const rb = b.strides.length;
  // Strides of op(A) as an [m, k] matrix and op(B) as [k, n].
  const aRow = transposeA ? (a.strides[ra - 1] as number) : (a.strides[ra - 2] as number);
  const aCol = transposeA ? (a.strides[ra - 2] as number) : (a.strides[ra - 1] as number);
  const bRow = transposeB ? (b.strides[rb - 1] as number) : (b.strides[rb - 2] as number);
  const bCol = transposeB ? (b.strides[rb - 2] as number) : (b.strides[rb - 1] as number);
  const offA = batchOffsets(a.offset, spec.batchShape, spec.batchStridesA);
  const offB = batchOffsets(b.offset, spec.batchShape, spec.batchStridesB);
  for (let batch = 0; batch < offA.length; batch++) {
    const base = batch * m * n;
    c.fill(0, base, base + m * n);
    const oa = offA[batch] as number;
    const ob = offB[batch] as number;
    for (let i = 0; i < m; i++) {
      const cRow = base + i * n;
      for (let p = 0; p < k; p++) {
        const aip = x[oa + i * aRow + p * aCol] as number;
        const bp = ob + p * bRow;
        for (let j = 0; j < n; j++)
          c[cRow + j] = (c[cRow + j] as number) + aip * (y[bp + j * bCol] as number);
      }
    }
  }
}
