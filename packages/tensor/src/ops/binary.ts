/**
 * Elementwise functions of two tensors with NumPy broadcasting, `where` and
 * `clip`. Either operand may be a plain number, which takes the other's
 * dtype. Comparisons return 1 or 0 in the inputs' dtype, so a mask
 * multiplies directly.
 */
import { type BinaryOp, kernel } from "../backend.js";
import { check, fmt } from "../errors.js";
import { type OpName, recordOp } from "../record.js";
import { broadcastShapes } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { assertLive, assertSameDType, empty, type TensorLike, toTensor } from "./util.js";

type BinaryName = Extract<
  OpName,
  | "Add"
  | "Sub"
  | "Mul"
  | "Div"
  | "Pow"
  | "Maximum"
  | "Minimum"
  | "Equal"
  | "NotEqual"
  | "Less"
  | "LessEqual"
  | "Greater"
  | "GreaterEqual"
>;

function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  check(
    typeof a !== "number" || typeof b !== "number",
    "ARGUMENT",
    () => `${op}: at least one operand must be a tensor`,
  );
  const dtype = typeof a === "number" ? (b as Tensor).dtype : a.dtype;
  if (dtype === "int32") {
    for (const v of [a, b]) {
      check(typeof v !== "number" || (v | 0) === v, "DTYPE", () => {
        return `${op}: the number ${v} is not an int32, so it cannot meet an int32 tensor; cast the tensor to float32 first`;
      });
    }
  }
  const x = toTensor(a, dtype);
  const y = toTensor(b, dtype);
  assertLive(op, x, y);
  assertSameDType(op, x, y);
  return [x, y];
}

function binaryOp(name: BinaryName, op: BinaryOp): (a: TensorLike, b: TensorLike) => Tensor {
  return (a: TensorLike, b: TensorLike): Tensor => {
    const [x, y] = operands(op, a, b);
    const shape = broadcastShapes(op, x.shape, y.shape);
    const out = empty(shape, x.dtype);
    kernel("binary")(op, x, y, shape, out.storage);
    return recordOp(name, [x, y], {}, out);
  };
}

/** a + b, broadcast. @example add(x, 1) */
export const add = binaryOp("Add", "add");
/** a − b, broadcast */
export const sub = binaryOp("Sub", "sub");
/** a · b elementwise, broadcast */
export const mul = binaryOp("Mul", "mul");
/** a / b, broadcast */
export const div = binaryOp("Div", "div");
/** aᵇ, broadcast */
export const pow = binaryOp("Pow", "pow");
/** elementwise max (NaN wins) */
export const maximum = binaryOp("Maximum", "maximum");
/** elementwise min (NaN wins) */
export const minimum = binaryOp("Minimum", "minimum");
export const equal = binaryOp("Equal", "equal");
export const notEqual = binaryOp("NotEqual", "notEqual");
export const less = binaryOp("Less", "less");
export const lessEqual = binaryOp("LessEqual", "lessEqual");
export const greater = binaryOp("Greater", "greater");
export const greaterEqual = binaryOp("GreaterEqual", "greaterEqual");

/** a where `condition` is non-zero, else b; all three broadcast together. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = operands("where", a, b);
  assertLive("where", condition);
  const shape: number[] = [];
  const rank = Math.max(condition.rank, x.rank, y.rank);
  for (let i = 0; i < rank; i++) {
    const sizes = [condition, x, y].map((t) => t.shape[t.rank - rank + i] ?? 1);
    const size = sizes.find((d) => d !== 1) ?? 1;
    check(
      sizes.every((d) => d === 1 || d === size),
      "SHAPE",
      () =>
        `where: shapes do not broadcast: condition is ${fmt(condition.shape)}, a is ${fmt(x.shape)}, b is ${fmt(y.shape)} (axis ${i - rank} has ${sizes.join(", ")})`,
    );
    shape.push(size);
  }
  const out = empty(shape, x.dtype);
  kernel("where")(condition, x, y, shape, out.storage);
  return recordOp("Where", [condition, x, y], {}, out);
}

/** Limit every element to [min, max]. */
export function clip(x: Tensor, min: number, max: number): Tensor {
  assertLive("clip", x);
  check(!(min > max), "ARGUMENT", () => `clip: min must be <= max, got min ${min} and max ${max}`);
  const out = empty(x.shape, x.dtype);
  kernel("clip")(x, min, max, out.storage);
  return recordOp("Clip", [x], { min, max }, out);
}
