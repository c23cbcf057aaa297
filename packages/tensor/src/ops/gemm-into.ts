/**
 * In-place matrix product for building fused ops: out = α·op(a)·op(b) + β·out,
 * written into an existing 2-D tensor (or a 2-D view of one). Not recorded by
 * autograd: custom ops call it inside their own forward and backward, where
 * accumulating into a preallocated buffer avoids an allocation per time step.
 */
import { kernel } from "../backend.js";
import { check, fmt } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { assertLive } from "./util.js";

export interface GemmOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
  /** Scale of out's old contents (default 0: overwrite). */
  beta?: number;
}

/** @example gemmInto(gates, h, wHh, { transposeB: true, beta: 1 }); // gates += h · W_hhᵀ */
export function gemmInto(out: Tensor, a: Tensor, b: Tensor, options: GemmOptions = {}): Tensor {
  assertLive("gemmInto", out, a, b);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  check(a.rank === 2 && b.rank === 2 && out.rank === 2, "SHAPE", () => {
    return `gemmInto: expected matrices, got out ${fmt(out.shape)}, a ${fmt(a.shape)}, b ${fmt(b.shape)}`;
  });
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transposeB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  check(k === k2 && out.shape[0] === m && out.shape[1] === n, "SHAPE", () => {
    return `gemmInto: shapes do not fit: out ${fmt(out.shape)} = ${transposeA ? "aᵀ" : "a"} ${fmt([m as number, k as number])} · ${transposeB ? "bᵀ" : "b"} ${fmt([k2 as number, n as number])}`;
  });
  check(a.dtype === out.dtype && b.dtype === out.dtype, "DTYPE", () => {
    return `gemmInto: dtypes differ: out is ${out.dtype}, a is ${a.dtype}, b is ${b.dtype}`;
  });
  kernel("gemm")(a, b, out, {
    transposeA,
    transposeB,
    alpha: options.alpha ?? 1,
    beta: options.beta ?? 0,
  });
  return out;
}
