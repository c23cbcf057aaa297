/**
 * Matrix product with batch dimensions: a [..., m, k] · b [..., k, n], batch
 * axes broadcast, either operand read transposed in place (no copy), which
 * is what the backward pass of every recurrent step needs.
 */
import { kernel, type MatMulSpec } from "../backend.js";
import { check, fmt } from "../errors.js";
import { recordOp } from "../record.js";
import { broadcastable, broadcastShapes, broadcastStrides } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { assertLive, assertSameDType, empty } from "./util.js";

export interface MatMulOptions {
  /** Read a as its transpose over the last two axes. */
  transposeA?: boolean;
  /** Read b as its transpose over the last two axes. */
  transposeB?: boolean;
}

/**
 * op(a) · op(b).
 *
 * @example
 * matMul(h, wHh, { transposeB: true }); // h · W_hhᵀ, as PyTorch stores W
 */
export function matMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  assertLive("matMul", a, b);
  assertSameDType("matMul", a, b);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  check(a.rank >= 2 && b.rank >= 2, "SHAPE", () => {
    return `matMul: expected matrices (rank >= 2), got a ${fmt(a.shape)} and b ${fmt(b.shape)} (use unsqueeze for a vector)`;
  });
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const [k2, n] = transposeB ? [bc, br] : [br, bc];
  const describe = (name: string, x: Tensor, transposed: boolean, rows: number, cols: number) =>
    transposed
      ? `${name}ᵀ is ${fmt([...x.shape.slice(0, -2), rows, cols])} (${name} is ${fmt(x.shape)})`
      : `${name} is ${fmt(x.shape)}`;
  check(k === k2, "SHAPE", () => {
    // Suggest the flag that would make the product defined, when one would.
    const hint =
      k === n
        ? ` (did you mean transposeB: ${!transposeB}?)`
        : m === k2
          ? ` (did you mean transposeA: ${!transposeA}?)`
          : "";
    return `matMul: inner dimensions differ: ${describe("a", a, transposeA, m, k)}, ${describe("b", b, transposeB, k2, n)}${hint}`;
  });
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  check(broadcastable(batchA, batchB), "SHAPE", () => {
    return `matMul: batch dimensions do not broadcast: a is ${fmt(a.shape)}, b is ${fmt(b.shape)} (batch ${fmt(batchA)} and ${fmt(batchB)})`;
  });
  const batchShape = broadcastShapes("matMul", batchA, batchB);
  const spec: MatMulSpec = {
    batchShape,
    m,
    n,
    k,
    transposeA,
    transposeB,
    batchStridesA: broadcastStrides(batchA, a.strides.slice(0, -2), batchShape),
    batchStridesB: broadcastStrides(batchB, b.strides.slice(0, -2), batchShape),
  };
  const out = empty([...batchShape, m, n], a.dtype);
  kernel("matMul")(a, b, spec, out.storage);
  return recordOp("MatMul", [a, b], { transposeA, transposeB }, out);
}
