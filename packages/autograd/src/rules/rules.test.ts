/**
 * Every gradient rule against central finite differences in float64. The
 * table covers each primitive in OpName at least once (checked below), with
 * broadcasting and non-contiguous inputs where the op allows them.
 */
import * as T from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { gradcheck } from "../gradcheck.js";
import { rules } from "./index.js";

const rng = new T.Generator(7);
const f64 = (shape: number[], low = -1, high = 1) => rng.uniform(shape, low, high, "float64");
const positive = (shape: number[]) => rng.uniform(shape, 0.5, 2, "float64");
const ids = (values: number[], shape = [values.length]) =>
  T.tensor(values, { shape, dtype: "int32" });
/** Values far from kinks and ties, for ops whose derivative jumps there. */
const spread = (shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = rng.permutation(n).toTypedArray();
  return T.tensor(
    Array.from(values, (v) => (v - n / 2 + 0.5) * 0.37),
    { shape, dtype: "float64" },
  );
};

interface Case {
  op: T.OpName;
  name: string;
  fn: (...xs: T.Tensor[]) => T.Tensor;
  inputs: () => T.Tensor[];
  /** A larger step where float32 rounding inside the op would swamp a small one. */
  eps?: number;
}

const cases: Case[] = [
  { op: "Reshape", name: "reshape", fn: (x) => T.reshape(x, [3, 2]), inputs: () => [f64([2, 3])] },
  {
    op: "Permute",
    name: "permute",
    fn: (x) => T.permute(x, [2, 0, 1]),
    inputs: () => [f64([2, 3, 4])],
  },
  {
    op: "Slice",
    name: "slice",
    fn: (x) => T.slice(x, [1, 0], [3, -1]),
    inputs: () => [f64([4, 3])],
  },
  { op: "Expand", name: "expand", fn: (x) => T.expand(x, [2, 3, 4]), inputs: () => [f64([3, 1])] },
  {
    op: "Contiguous",
    name: "contiguous of a transpose",
    fn: (x) => T.contiguous(T.transpose(x)),
    inputs: () => [f64([2, 3])],
  },
  {
    op: "Cast",
    name: "cast to float32 and back",
    fn: (x) => T.cast(T.cast(x, "float32"), "float64"),
    inputs: () => [f64([3])],
    eps: 1e-2,
  },
  { op: "Pad", name: "pad", fn: (x) => T.pad(x, [1, 0], [0, 2]), inputs: () => [f64([2, 2])] },
  { op: "Neg", name: "neg", fn: T.neg, inputs: () => [f64([3])] },
  { op: "Abs", name: "abs", fn: T.abs, inputs: () => [spread([2, 3])] },
  { op: "Sign", name: "sign", fn: T.sign, inputs: () => [spread([4])] },
  { op: "Floor", name: "floor", fn: T.floor, inputs: () => [spread([4])] },
  { op: "Ceil", name: "ceil", fn: T.ceil, inputs: () => [spread([4])] },
  { op: "Round", name: "round", fn: T.round, inputs: () => [spread([4])] },
  { op: "Exp", name: "exp", fn: T.exp, inputs: () => [f64([2, 3])] },
  { op: "Log", name: "log", fn: T.log, inputs: () => [positive([2, 3])] },
  { op: "Sqrt", name: "sqrt", fn: T.sqrt, inputs: () => [positive([3])] },
  { op: "Rsqrt", name: "rsqrt", fn: T.rsqrt, inputs: () => [positive([3])] },
  { op: "Square", name: "square", fn: T.square, inputs: () => [f64([3])] },
  { op: "Reciprocal", name: "reciprocal", fn: T.reciprocal, inputs: () => [positive([3])] },
  { op: "Tanh", name: "tanh", fn: T.tanh, inputs: () => [f64([2, 3], -3, 3)] },
  { op: "Sigmoid", name: "sigmoid", fn: T.sigmoid, inputs: () => [f64([2, 3], -4, 4)] },
  { op: "Relu", name: "relu", fn: T.relu, inputs: () => [spread([2, 3])] },
  { op: "Sin", name: "sin", fn: T.sin, inputs: () => [f64([3])] },
  { op: "Cos", name: "cos", fn: T.cos, inputs: () => [f64([3])] },
  { op: "Add", name: "add, broadcast", fn: T.add, inputs: () => [f64([2, 3]), f64([3])] },
  { op: "Sub", name: "sub, broadcast", fn: T.sub, inputs: () => [f64([2, 1]), f64([1, 3])] },
  { op: "Mul", name: "mul, broadcast", fn: T.mul, inputs: () => [f64([4, 2, 3]), f64([2, 1])] },
  { op: "Div", name: "div, broadcast", fn: T.div, inputs: () => [f64([2, 3]), positive([3])] },
  { op: "Pow", name: "pow", fn: T.pow, inputs: () => [positive([2, 3]), f64([3])] },
  { op: "Maximum", name: "maximum", fn: T.maximum, inputs: () => [spread([2, 3]), spread([3])] },
  { op: "Minimum", name: "minimum", fn: T.minimum, inputs: () => [spread([2, 3]), spread([2, 1])] },
  {
    op: "Where",
    name: "where",
    fn: (a, b) => T.where(T.greater(a, 0), a, b),
    inputs: () => [spread([2, 3]), f64([3])],
  },
  { op: "Clip", name: "clip", fn: (x) => T.clip(x, -1, 1), inputs: () => [spread([2, 3])] },
  { op: "Sum", name: "sum over an axis", fn: (x) => T.sum(x, 1), inputs: () => [f64([2, 3, 2])] },
  {
    op: "Sum",
    name: "sum, keepDims, of a view",
    fn: (x) => T.sum(T.transpose(x), [0], { keepDims: true }),
    inputs: () => [f64([3, 4])],
  },
  { op: "Prod", name: "prod", fn: (x) => T.prod(x, -1), inputs: () => [positive([2, 3])] },
  { op: "Max", name: "max", fn: (x) => T.max(x, 0), inputs: () => [spread([3, 4])] },
  { op: "Min", name: "min over all", fn: (x) => T.min(x), inputs: () => [spread([3, 4])] },
  {
    op: "MatMul",
    name: "matMul",
    fn: (a, b) => T.matMul(a, b),
    inputs: () => [f64([2, 3]), f64([3, 4])],
  },
  {
    op: "MatMul",
    name: "matMul aᵀ",
    fn: (a, b) => T.matMul(a, b, { transposeA: true }),
    inputs: () => [f64([3, 2]), f64([3, 4])],
  },
  {
    op: "MatMul",
    name: "matMul bᵀ",
    fn: (a, b) => T.matMul(a, b, { transposeB: true }),
    inputs: () => [f64([2, 3]), f64([4, 3])],
  },
  {
    op: "MatMul",
    name: "matMul aᵀbᵀ",
    fn: (a, b) => T.matMul(a, b, { transposeA: true, transposeB: true }),
    inputs: () => [f64([3, 2]), f64([4, 3])],
  },
  {
    op: "MatMul",
    name: "matMul batch broadcast",
    fn: (a, b) => T.matMul(a, b),
    inputs: () => [f64([2, 2, 3]), f64([3, 2])],
  },
  { op: "Softmax", name: "softmax", fn: (x) => T.softmax(x, 0), inputs: () => [f64([3, 2])] },
  { op: "LogSoftmax", name: "logSoftmax", fn: (x) => T.logSoftmax(x), inputs: () => [f64([2, 4])] },
  {
    op: "Gather",
    name: "gather with repeats",
    fn: (x, i) => T.gather(x, i, 0),
    inputs: () => [f64([4, 3]), ids([3, 0, 3, 1, 2, 3], [2, 3])],
  },
  {
    op: "ScatterAdd",
    name: "scatterAdd",
    fn: (u, i) => T.scatterAdd(u, i, 1, [2, 4]),
    inputs: () => [f64([2, 3]), ids([1, 1, 3])],
  },
  {
    op: "Concat",
    name: "concat",
    fn: (a, b) => T.concat([a, b], 1),
    inputs: () => [f64([2, 1]), f64([2, 3])],
  },
  {
    op: "Concat",
    name: "stack",
    fn: (a, b) => T.stack([a, b], 0),
    inputs: () => [f64([2, 3]), f64([2, 3])],
  },
  { op: "Sum", name: "mean", fn: (x) => T.mean(x, [0, 2]), inputs: () => [f64([2, 3, 4])] },
  {
    op: "Max",
    name: "logsumexp",
    fn: (x) => T.logsumexp(x, -1),
    inputs: () => [f64([3, 4], -5, 5)],
  },
  { op: "Sqrt", name: "norm", fn: (x) => T.norm(x, 2, 1), inputs: () => [f64([3, 4])] },
  {
    op: "Slice",
    name: "split",
    fn: (x) => T.mul(T.split(x, [1, 2], 1)[1] as T.Tensor, 2),
    inputs: () => [f64([2, 3])],
  },
];

/** Ops with no gradient at all; checked to give none. */
const nonDifferentiable: T.OpName[] = [
  "Equal",
  "NotEqual",
  "Less",
  "LessEqual",
  "Greater",
  "GreaterEqual",
  "ArgMax",
  "ArgMin",
  "OneHot",
];

describe("gradient rules against finite differences (float64)", () => {
  it.each(cases)("$name", ({ fn, inputs, name, eps }) => {
    const result = gradcheck(fn, inputs(), { name, eps: eps ?? 1e-6 });
    expect(result.checked).toBeGreaterThan(0);
  });

  it("covers every primitive", () => {
    const covered = new Set<string>([...cases.map((c) => c.op), ...nonDifferentiable]);
    expect(Object.keys(rules).filter((op) => !covered.has(op))).toEqual([]);
  });

  it.each(nonDifferentiable)("%s passes no gradient", (op) => {
    const rule = rules[op] as (c: unknown) => readonly unknown[];
    const x = f64([2, 2]);
    const thunks = rule({ dy: x, inputs: [x, x], output: x, attrs: {} });
    expect(thunks.every((t) => t === null)).toBe(true);
  });

  it("detects a wrong gradient", () => {
    // x · x', where x' shares x's storage but is cut from the tape: its value is x²,
    // its recorded gradient only x (the true one is 2x), so gradcheck must object.
    const halfCut = (x: T.Tensor) =>
      T.mul(x, new T.Tensor(x.storage, x.shape, x.strides, x.offset));
    expect(() => gradcheck(halfCut, [f64([3])], { name: "halfCut" })).toThrow(
      /gradcheck halfCut: 3 of 3 gradient entries differ/,
    );
  });
});
