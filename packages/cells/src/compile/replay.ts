/**
 * Replaying the parameter-only part of a traced step (a bias sum, the
 * slices of a weight, a peephole row) on the real parameters, with ordinary
 * recorded ops, so autograd carries their gradients back to the parameters
 * while the fused op sees plain tensors.
 */
import {
  abs,
  add,
  cast,
  concat,
  contiguous,
  div,
  exp,
  expand,
  log,
  matMul,
  maximum,
  minimum,
  mul,
  neg,
  type OpAttrs,
  permute,
  reciprocal,
  relu,
  reshape,
  rsqrt,
  sigmoid,
  slice,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
} from "@recurrent/tensor";
import { type Trace, TraceError, type TraceNode } from "./trace.js";

type Apply = (inputs: Tensor[], attrs: never) => Tensor;

const unary =
  (f: (x: Tensor) => Tensor): Apply =>
  (inputs) =>
    f(inputs[0] as Tensor);
const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): Apply =>
  (inputs) =>
    f(inputs[0] as Tensor, inputs[1] as Tensor);

const table: Record<string, Apply> = {
  Reshape: (inputs, attrs: OpAttrs["Reshape"]) => reshape(inputs[0] as Tensor, attrs.shape),
  Permute: (inputs, attrs: OpAttrs["Permute"]) => permute(inputs[0] as Tensor, attrs.axes),
  Slice: (inputs, attrs: OpAttrs["Slice"]) => slice(inputs[0] as Tensor, attrs.begin, attrs.end),
  Expand: (inputs, attrs: OpAttrs["Expand"]) => expand(inputs[0] as Tensor, attrs.shape),
  Contiguous: unary(contiguous),
  Cast: (inputs, attrs: OpAttrs["Cast"]) => cast(inputs[0] as Tensor, attrs.dtype),
  Neg: unary(neg),
  Abs: unary(abs),
  Exp: unary(exp),
  Log: unary(log),
  Sqrt: unary(sqrt),
  Rsqrt: unary(rsqrt),
  Square: unary(square),
  Reciprocal: unary(reciprocal),
  Tanh: unary(tanh),
  Sigmoid: unary(sigmoid),
  Relu: unary(relu),
  Add: binary(add),
  Sub: binary(sub),
  Mul: binary(mul),
  Div: binary(div),
  Maximum: binary(maximum),
  Minimum: binary(minimum),
  MatMul: (inputs, attrs: OpAttrs["MatMul"]) =>
    matMul(inputs[0] as Tensor, inputs[1] as Tensor, attrs),
  Concat: (inputs, attrs: OpAttrs["Concat"]) => concat(inputs, attrs.axis),
  Sum: (inputs, attrs: OpAttrs["Sum"]) =>
    sum(inputs[0] as Tensor, attrs.axes, { keepDims: attrs.keepDims }),
};

/** Whether every op under `id` can be replayed (checked when a plan is made). */
export function replayable(trace: Trace, id: number): string | null {
  const n = trace.nodes[id] as TraceNode;
  if (n.kind !== "op") return null;
  if (table[n.op] === undefined) return `${n.op} on parameters has no replay`;
  for (const i of n.inputs) {
    const why = replayable(trace, i);
    if (why !== null) return why;
  }
  return null;
}

/** The value of parameter-only node `id` for these parameters. */
export function replay(
  trace: Trace,
  id: number,
  params: Record<string, Tensor>,
  dtype: "float32" | "float64",
  cache: Map<number, Tensor> = new Map(),
): Tensor {
  const known = cache.get(id);
  if (known !== undefined) return known;
  const n = trace.nodes[id] as TraceNode;
  let value: Tensor;
  if (n.kind === "param") value = params[n.name] as Tensor;
  else if (n.kind === "const") {
    value = tensor(Float64Array.from(n.values ?? []), { shape: n.shape, dtype: "float64" });
    if (dtype !== "float64") value = cast(value, dtype);
  } else if (n.kind === "op") {
    const inputs = n.inputs.map((i) => replay(trace, i, params, dtype, cache));
    // Cast: the table pairs each op with its own attrs type, a correlation TypeScript
    // cannot follow through an index by a union-typed `n.op`; the trace recorded them together.
    value = (table[n.op] as Apply)(inputs, n.attrs as never);
  } else throw new TraceError(`${n.kind} ${n.name} is not a parameter-only value`);
  cache.set(id, value);
  return value;
}
