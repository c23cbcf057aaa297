/**
 * A cell that ONNX has no operator for (markov, ar, latent-ar, a plugin's
 * cell) exports as the unrolled graph of its step. The step runs once on
 * concrete tensors while a recorder (the same seam autograd uses) notes
 * every primitive op with its inputs and attributes; `emitStep` then writes
 * that trace as ONNX nodes once per time step, with the step's input, state
 * and parameters bound to graph values. Tensors the step makes itself
 * (the 1 in `1 − z`) become initializers.
 *
 * Like torch.jit.trace, the trace follows the path the step took: a step
 * that branches on its values is traced along one branch, and shapes are
 * concrete, so the batch size is fixed. An op with no ONNX counterpart is
 * refused, naming it.
 */
import type { Cell, CellState } from "@recurrent/cells";
import { type OpAttrs, type OpName, setRecorder, type Tensor, tensor } from "@recurrent/tensor";
import { OnnxExportError } from "./errors.js";
import type { GraphBuilder } from "./graph-builder.js";
import type { ElementType } from "./proto.js";

/** Where a traced op's input comes from. */
type Source =
  | { readonly kind: "input" }
  | { readonly kind: "state"; readonly part: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "op"; readonly index: number }
  | { readonly kind: "constant"; readonly tensor: Tensor };

interface TracedOp {
  readonly op: OpName;
  readonly inputs: readonly Source[];
  readonly attrs: OpAttrs[OpName];
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly inputShapes: readonly (readonly number[])[];
}

export interface StepTrace {
  readonly cellName: string;
  readonly ops: readonly TracedOp[];
  readonly output: Source;
  readonly state: Readonly<Record<string, Source>>;
}

const unary: Partial<Record<OpName, string>> = {
  Neg: "Neg",
  Abs: "Abs",
  Sign: "Sign",
  Exp: "Exp",
  Log: "Log",
  Sqrt: "Sqrt",
  Reciprocal: "Reciprocal",
  Tanh: "Tanh",
  Sigmoid: "Sigmoid",
  Relu: "Relu",
  Sin: "Sin",
  Cos: "Cos",
  Floor: "Floor",
  Ceil: "Ceil",
  Round: "Round",
  Contiguous: "Identity",
};
const binary: Partial<Record<OpName, string>> = {
  Add: "Add",
  Sub: "Sub",
  Mul: "Mul",
  Div: "Div",
  Pow: "Pow",
  Maximum: "Max",
  Minimum: "Min",
};
const comparisons: Partial<Record<OpName, string>> = {
  Equal: "Equal",
  Less: "Less",
  LessEqual: "LessOrEqual",
  Greater: "Greater",
  GreaterEqual: "GreaterOrEqual",
};
const onnxTypeOf: Record<string, { type: ElementType; code: number }> = {
  float32: { type: "float", code: 1 },
  float64: { type: "float", code: 1 },
  int32: { type: "int32", code: 6 },
};

/**
 * Run `cell`'s step once for a batch of `batch` rows of `input` features,
 * recording every op. `params` are one layer's parameters by their cell names.
 */
export function traceStep(
  cell: Cell,
  input: number,
  batch: number,
  params: Readonly<Record<string, Tensor>>,
): StepTrace {
  const definition = cell.definition;
  const context = { ...cell.config, input };
  const sources = new Map<Tensor, Source>();
  const leaf = (shape: readonly number[], source: Source, values?: ArrayLike<number>): Tensor => {
    const size = shape.reduce((a, b) => a * b, 1);
    // Values away from 0 and 1, so no branch on a special value is taken by accident.
    const data =
      values === undefined
        ? Float32Array.from({ length: size }, (_, i) => 0.1 + ((i * 7) % 11) / 20)
        : Float32Array.from(values);
    const t = tensor(data, { shape: [...shape] });
    t.requiresGrad = true;
    sources.set(t, source);
    return t;
  };
  const x = leaf([batch, input], { kind: "input" });
  const stateShapes = definition.state({ ...context, batch }) as Record<string, number[]>;
  const state: CellState = {};
  for (const [part, shape] of Object.entries(stateShapes))
    state[part] = leaf(shape, { kind: "state", part });
  const leaves: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(params))
    leaves[name] = leaf(p.shape, { kind: "param", name }, p.data());

  const ops: TracedOp[] = [];
  const sourceOf = (t: Tensor): Source => sources.get(t) ?? { kind: "constant", tensor: t };
  const previous = setRecorder({
    record(op, inputs, attrs, output) {
      ops.push({
        op,
        inputs: inputs.map(sourceOf),
        attrs: attrs as OpAttrs[OpName],
        shape: [...output.shape],
        dtype: output.dtype,
        inputShapes: inputs.map((i) => [...i.shape]),
      });
      output.requiresGrad = true;
      sources.set(output, { kind: "op", index: ops.length - 1 });
    },
  });
  let result: { output: Tensor; state: CellState };
  try {
    result = definition.step(x, state, leaves, context);
  } finally {
    setRecorder(previous);
  }
  for (const traced of ops) {
    const supported =
      traced.op in unary ||
      traced.op in binary ||
      traced.op in comparisons ||
      handled.has(traced.op);
    if (!supported) {
      throw new OnnxExportError(
        "UNSUPPORTED",
        `exportOnnx: cell "${definition.name}" uses the op ${traced.op} in its step, which has no ONNX counterpart here; it cannot be exported to ONNX`,
      );
    }
  }
  const stateOut: Record<string, Source> = {};
  for (const part of Object.keys(stateShapes)) {
    const next = result.state[part];
    if (next === undefined) {
      throw new OnnxExportError(
        "UNSUPPORTED",
        `exportOnnx: cell "${definition.name}" returned no state "${part}" from its step`,
      );
    }
    stateOut[part] = sourceOf(next);
  }
  return { cellName: definition.name, ops, output: sourceOf(result.output), state: stateOut };
}

const handled = new Set<OpName>([
  "Reshape",
  "Permute",
  "Slice",
  "Expand",
  "Cast",
  "Pad",
  "Rsqrt",
  "Square",
  "NotEqual",
  "Where",
  "Clip",
  "Sum",
  "Prod",
  "Max",
  "Min",
  "ArgMax",
  "ArgMin",
  "MatMul",
  "Softmax",
  "LogSoftmax",
  "Gather",
  "OneHot",
  "Concat",
]);

export interface StepBindings {
  readonly input: string;
  readonly state: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Write the trace's ops as ONNX nodes for one time step; returns the names
 * of the step's output and next state. `constants` caches initializers
 * across steps.
 */
export function emitStep(
  g: GraphBuilder,
  trace: StepTrace,
  bind: StepBindings,
  constants: Map<Tensor, string>,
): { output: string; state: Record<string, string> } {
  const names: string[] = [];
  const nameOf = (source: Source): string => {
    switch (source.kind) {
      case "input":
        return bind.input;
      case "state":
        return bind.state[source.part] as string;
      case "param":
        return bind.params[source.name] as string;
      case "op":
        return names[source.index] as string;
      case "constant": {
        const cached = constants.get(source.tensor);
        if (cached !== undefined) return cached;
        const type = onnxTypeOf[source.tensor.dtype]?.type ?? "float";
        const name = g.constant(
          "step_constant",
          type,
          [...source.tensor.shape],
          source.tensor.data(),
        );
        constants.set(source.tensor, name);
        return name;
      }
    }
  };
  const ints = (values: readonly number[]) => g.constant("ints", "int64", [values.length], values);
  for (const traced of trace.ops) {
    const inputs = traced.inputs.map(nameOf);
    const [a, b, c] = inputs as [string, string, string];
    const rank = traced.inputShapes[0]?.length ?? 0;
    const outType = onnxTypeOf[traced.dtype]?.code ?? 1;
    const attrs = traced.attrs as Record<string, unknown>;
    let out: string;
    const op = traced.op;
    if (op in unary) out = g.one(unary[op] as string, [a]);
    else if (op in binary) out = g.one(binary[op] as string, [a, b]);
    else if (op in comparisons)
      out = g.one("Cast", [g.one(comparisons[op] as string, [a, b])], { to: outType });
    else {
      switch (op) {
        case "Reshape":
        case "Expand":
          out = g.one(op, [a, ints(attrs.shape as number[])]);
          break;
        case "Permute":
          out = g.one("Transpose", [a], { perm: attrs.axes as number[] });
          break;
        case "Slice":
          out = g.one("Slice", [
            a,
            ints(attrs.begin as number[]),
            ints(attrs.end as number[]),
            ints([...Array(rank).keys()]),
          ]);
          break;
        case "Cast":
          out = g.one("Cast", [a], { to: onnxTypeOf[attrs.dtype as string]?.code ?? 1 });
          break;
        case "Pad":
          out = g.one("Pad", [
            a,
            ints([...(attrs.before as number[]), ...(attrs.after as number[])]),
          ]);
          break;
        case "Rsqrt":
          out = g.one("Reciprocal", [g.one("Sqrt", [a])]);
          break;
        case "Square":
          out = g.one("Mul", [a, a]);
          break;
        case "NotEqual":
          out = g.one("Cast", [g.one("Not", [g.one("Equal", [a, b])])], { to: outType });
          break;
        case "Where":
          out = g.one("Where", [g.one("Cast", [a], { to: 9 }), b, c]);
          break;
        case "Clip":
          out = g.one("Clip", [
            a,
            g.constant("clip_min", "float", [], [attrs.min as number]),
            g.constant("clip_max", "float", [], [attrs.max as number]),
          ]);
          break;
        case "Sum":
        case "Prod":
        case "Max":
        case "Min": {
          const axes =
            (attrs.axes as number[]).length === 0
              ? [...Array(rank).keys()]
              : (attrs.axes as number[]);
          const keepdims = attrs.keepDims ? 1 : 0;
          out =
            op === "Sum"
              ? g.one("ReduceSum", [a, ints(axes)], { keepdims })
              : g.one(`Reduce${op}`, [a], { axes, keepdims });
          break;
        }
        case "ArgMax":
        case "ArgMin":
          out = g.one(
            "Cast",
            [g.one(op, [a], { axis: attrs.axis as number, keepdims: attrs.keepDims ? 1 : 0 })],
            {
              to: outType,
            },
          );
          break;
        case "MatMul": {
          const swap = (name: string, r: number) =>
            g.one("Transpose", [name], { perm: [...Array(r - 2).keys(), r - 1, r - 2] });
          const left = attrs.transposeA ? swap(a, rank) : a;
          const right = attrs.transposeB ? swap(b, traced.inputShapes[1]?.length ?? 2) : b;
          out = g.one("MatMul", [left, right]);
          break;
        }
        case "Softmax":
        case "LogSoftmax":
          out = g.one(op, [a], { axis: attrs.axis as number });
          break;
        case "Gather":
          out = g.one("Gather", [a, b], { axis: attrs.axis as number });
          break;
        case "OneHot":
          out = g.one(
            "OneHot",
            [
              a,
              g.constant("depth", "int64", [1], [attrs.depth as number]),
              g.constant("off_on", "float", [2], [0, 1]),
            ],
            { axis: -1 },
          );
          break;
        case "Concat":
          out = g.one("Concat", inputs, { axis: attrs.axis as number });
          break;
        default:
          throw new OnnxExportError(
            "UNSUPPORTED",
            `exportOnnx: op ${op} has no ONNX counterpart here`,
          );
      }
    }
    names.push(out);
  }
  const state: Record<string, string> = {};
  for (const [part, source] of Object.entries(trace.state)) state[part] = nameOf(source);
  return { output: nameOf(trace.output), state };
}
