/**
 * The seam between ops and autograd. Every differentiable primitive calls
 * `recordOp` with its name, inputs, attributes and output; when a recorder is
 * installed (by @recurrent/autograd) and an input requires a gradient, the
 * recorder puts the op on its tape. This package knows no gradient rules.
 *
 * `OpAttrs` is the closed list of primitives: autograd keeps its rules in a
 * map typed `{ [K in OpName]: Rule<K> }`, so a primitive added here without a
 * rule there fails to compile.
 */
import type { DType } from "./dtype.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

type None = Record<string, never>;

export interface OpAttrs {
  // views
  Reshape: { shape: Shape };
  Permute: { axes: readonly number[] };
  Slice: { begin: readonly number[]; end: readonly number[] };
  Expand: { shape: Shape };
  // copies
  Contiguous: None;
  Cast: { dtype: DType };
  Pad: { before: readonly number[]; after: readonly number[] };
  // unary
  Neg: None;
  Abs: None;
  Sign: None;
  Exp: None;
  Log: None;
  Sqrt: None;
  Rsqrt: None;
  Square: None;
  Reciprocal: None;
  Tanh: None;
  Sigmoid: None;
  Relu: None;
  Sin: None;
  Cos: None;
  Floor: None;
  Ceil: None;
  Round: None;
  // binary
  Add: None;
  Sub: None;
  Mul: None;
  Div: None;
  Pow: None;
  Maximum: None;
  Minimum: None;
  Equal: None;
  NotEqual: None;
  Less: None;
  LessEqual: None;
  Greater: None;
  GreaterEqual: None;
  Where: None;
  Clip: { min: number; max: number };
  // reductions
  Sum: { axes: readonly number[]; keepDims: boolean };
  Prod: { axes: readonly number[]; keepDims: boolean };
  Max: { axes: readonly number[]; keepDims: boolean };
  Min: { axes: readonly number[]; keepDims: boolean };
  ArgMax: { axis: number; keepDims: boolean };
  ArgMin: { axis: number; keepDims: boolean };
  // linear algebra, indexing, joins
  MatMul: { transposeA: boolean; transposeB: boolean };
  Softmax: { axis: number };
  LogSoftmax: { axis: number };
  Gather: { axis: number };
  ScatterAdd: { axis: number; shape: Shape };
  OneHot: { depth: number };
  Concat: { axis: number };
}

export type OpName = keyof OpAttrs;

export interface Recorder {
  record<K extends OpName>(
    op: K,
    inputs: readonly Tensor[],
    attrs: OpAttrs[K],
    output: Tensor,
  ): void;
}

let recorder: Recorder | null = null;

/** Install (or remove, with null) the recorder; returns the previous one. */
export function setRecorder(next: Recorder | null): Recorder | null {
  const previous = recorder;
  recorder = next;
  return previous;
}

/** Tell the recorder about an op if any input requires a gradient; returns `output`. */
export function recordOp<K extends OpName>(
  op: K,
  inputs: readonly Tensor[],
  attrs: OpAttrs[K],
  output: Tensor,
): Tensor {
  if (recorder !== null) {
    for (const input of inputs) {
      if (input.requiresGrad) {
        recorder.record(op, inputs, attrs, output);
        break;
      }
    }
  }
  return output;
}
