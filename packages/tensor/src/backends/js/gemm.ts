/**
 * In-place matrix product of the js backend: out = α·op(A)·op(B) + β·out
 * over 2-D strided views, the same i-p-j loop as matMul.
 */
import type { GemmSpec, View } from "../../backend.js";

export function gemm(a: View, b: View, out: View, spec: GemmSpec): void {
  const { transposeA, transposeB, alpha, beta } = spec;
  const x = a.storage.array;
  const y = b.storage.array;
  const c = out.storage.array;
  const [m, n] = out.shape as [number, number];
  const k = transposeA ? (a.shape[0] as number) : (a.shape[1] as number);
  const [aRow, aCol] = transposeA ? [a.strides[1], a.strides[0]] : [a.strides[0], a.strides[1]];
  const [bRow, bCol] = transposeB ? [b.strides[1], b.strides[0]] : [b.strides[0], b.strides[1]];
  const [cRow, cCol] = out.strides as [number, number];
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = x[a.offset + i * (aRow as number) + p * (aCol as number)] as number;
      const bp = b.offset + p * (bRow as number);
      for (let j = 0; j < n; j++)
        row[j] = (row[j] as number) + aip * (y[bp + j * (bCol as number)] as number);
    }
    for (let j = 0; j < n; j++) {
      const at = out.offset + i * cRow + j * cCol;
      c[at] = alpha * (row[j] as number) + (beta === 0 ? 0 : beta * (c[at] as number));
    }
  }
}
