/**
 * Elementwise functions of one tensor, and `cast`. Each is a recorded
 * primitive; its gradient rule lives in @recurrent/autograd.
 */
import { kernel, type UnaryOp } from "../backend.js";
import type { DType } from "../dtype.js";
import { type OpName, recordOp } from "../record.js";
import type { Tensor } from "../tensor.js";
import { assertFloat, assertLive, empty } from "./util.js";

type UnaryName = Extract<
  OpName,
  | "Neg"
  | "Abs"
  | "Sign"
  | "Exp"
  | "Log"
  | "Sqrt"
  | "Rsqrt"
  | "Square"
  | "Reciprocal"
  | "Tanh"
  | "Sigmoid"
  | "Relu"
  | "Sin"
  | "Cos"
  | "Floor"
  | "Ceil"
  | "Round"
>;

function unaryOp(name: UnaryName, op: UnaryOp, floatOnly: boolean): (x: Tensor) => Tensor {
  const label = op;
  return (x: Tensor): Tensor => {
    assertLive(label, x);
    if (floatOnly) assertFloat(label, x);
    const out = empty(x.shape, x.dtype);
    kernel("unary")(op, x, out.storage);
    return recordOp(name, [x], {}, out);
  };
}

/** −x */
export const neg = unaryOp("Neg", "neg", false);
/** |x| */
export const abs = unaryOp("Abs", "abs", false);
/** −1, 0 or 1 */
export const sign = unaryOp("Sign", "sign", false);
/** eˣ */
export const exp = unaryOp("Exp", "exp", true);
/** natural logarithm */
export const log = unaryOp("Log", "log", true);
/** √x */
export const sqrt = unaryOp("Sqrt", "sqrt", true);
/** 1/√x */
export const rsqrt = unaryOp("Rsqrt", "rsqrt", true);
/** x² */
export const square = unaryOp("Square", "square", false);
/** 1/x */
export const reciprocal = unaryOp("Reciprocal", "reciprocal", true);
/** hyperbolic tangent */
export const tanh = unaryOp("Tanh", "tanh", true);
/** logistic sigmoid 1/(1+e⁻ˣ) */
export const sigmoid = unaryOp("Sigmoid", "sigmoid", true);
/** max(x, 0) */
export const relu = unaryOp("Relu", "relu", false);
export const sin = unaryOp("Sin", "sin", true);
export const cos = unaryOp("Cos", "cos", true);
export const floor = unaryOp("Floor", "floor", false);
export const ceil = unaryOp("Ceil", "ceil", false);
/** round half to even, as NumPy and PyTorch do */
export const round = unaryOp("Round", "round", false);

/** The same values in another dtype (float → int32 truncates toward zero). */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertLive("cast", x);
  if (x.dtype === dtype) return x;
  const out = empty(x.shape, dtype);
  kernel("copy")(x, out.storage);
  return recordOp("Cast", [x], { dtype }, out);
}
