/**
 * A `SequenceModel` as one ONNX graph, using ONNX's own recurrent operators
 * so that every runtime's fused kernels serve it:
 *
 *   input ids [time, batch] ─ Gather(embedding) or OneHot ─┐
 *   (or features [time, batch, F])                         │
 *   for each layer: LSTM / GRU / RNN (both directions, initial state,
 *                   optional sequence_lens) → Y [time, dirs, batch, H]
 *                   → [time, batch, dirs·H]
 *   head: MatMul(Wᵀ) + b → output [time, batch, outputSize]
 *   final states: each layer's Y_h (Y_c) concatenated → [layers·dirs, batch, H]
 *
 * The state layout is ours and PyTorch's: `h0`/`c0` in and `hn`/`cn` out, each
 * [layers · directions, batch, hidden]. With `step: true` the graph takes one
 * time step (`input` [batch] or [batch, F]) and returns `output`
 * [batch, outputSize] with the next state, for generation one token at a time.
 *
 * Weights are written float32 in ONNX's gate order (see gate-order.ts); a
 * GRU in PyTorch's reset-after form sets linear_before_reset = 1. Cells that
 * ONNX has no operator for are refused with the reason.
 */

import { cellCapabilities, type SequenceModel } from "@recurrent/cells";
import { layerParameterName } from "@recurrent/nn";
import type { Tensor } from "@recurrent/tensor";
import { OnnxExportError } from "./errors.js";
import { type GateCell, onnxGateOrder, toOnnxOrder } from "./gate-order.js";
import { GraphBuilder } from "./graph-builder.js";
import { type Dim, encodeModel } from "./proto.js";
import { unrolledLayers } from "./unrolled-layers.js";

/** ONNX IR version and opset written (what onnx-proto's onnx.proto v1.10 describes). */
export const onnxIrVersion = 8;
export const onnxOpset = 14;

export interface OnnxExportOptions {
  /** One time step with the state as inputs and outputs (for generation). Default false. */
  readonly step?: boolean;
  /** A fixed batch size, or "dynamic" (the axis named "batch"). Default "dynamic". */
  readonly batch?: number | "dynamic";
  /** A fixed sequence length, or "dynamic" (the axis named "time"). Default "dynamic"; not for `step`. */
  readonly time?: number | "dynamic";
  /** Add an int32 input `sequence_lens` [batch]: each row's real length (padding after it). Default false. */
  readonly sequenceLens?: boolean;
  /** Recorded as the model's producer_version. */
  readonly producerVersion?: string;
  /** Recorded as metadata_props (e.g. the tokenizer, as JSON). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The graph's input and output names, one place for exporter, tests and users. */
export const onnxNames = {
  input: "input",
  output: "output",
  sequenceLens: "sequence_lens",
  /** The initial value of state part `part` ("h", "c"). */
  initial: (part: string) => `${part}0`,
  /** The final value of state part `part`. */
  final: (part: string) => `${part}n`,
} as const;

interface LayerSpec {
  readonly op: "LSTM" | "GRU" | "RNN";
  readonly gates: GateCell;
  readonly parts: readonly string[];
  readonly attributes: Record<string, number | string | readonly string[]>;
}

function fail(message: string): never {
  throw new OnnxExportError("UNSUPPORTED", `exportOnnx: ${message}`);
}

/** What ONNX operator runs this cell; null for a cell exported as the unrolled graph of its step. */
function layerSpec(model: SequenceModel): LayerSpec | null {
  const { definition, config } = model.recurrent.cell;
  // The cell says which torch.nn module (and so which ONNX operator) computes it; not its name.
  const module = cellCapabilities(definition).torchModule;
  if (typeof config.projSize === "number" && config.projSize > 0) {
    fail(
      `an LSTM with projSize ${config.projSize} has no ONNX LSTM equivalent (ONNX's LSTM has no projection); export it with projSize 0`,
    );
  }
  if (module === "LSTM") return { op: "LSTM", gates: "lstm", parts: ["h", "c"], attributes: {} };
  if (module === "GRU") {
    const linearBeforeReset = config.resetAfter === false ? 0 : 1;
    return {
      op: "GRU",
      gates: "gru",
      parts: ["h"],
      attributes: { linear_before_reset: linearBeforeReset },
    };
  }
  if (module === "RNN") {
    const activation = config.nonlinearity === "relu" ? "Relu" : "Tanh";
    return {
      op: "RNN",
      gates: "rnn",
      parts: ["h"],
      attributes: { activations: Array(model.recurrent.directions).fill(activation) },
    };
  }
  return null;
}

function dimOf(value: number | "dynamic" | undefined, name: string, axis: string): Dim {
  if (value === undefined || value === "dynamic") return axis;
  if (!Number.isInteger(value) || value <= 0) {
    throw new OnnxExportError(
      "OPTIONS",
      `exportOnnx: ${name} must be a positive integer or "dynamic", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Serialise `model` as an ONNX model (bytes of a `.onnx` file).
 *
 * @example
 * const bytes = exportOnnx(model);                  // whole sequences, dynamic batch and time
 * const step = exportOnnx(model, { step: true });  // one token at a time, for generation
 */
export function exportOnnx(model: SequenceModel, options: OnnxExportOptions = {}): Uint8Array {
  const recurrent = model.recurrent;
  const spec = layerSpec(model);
  const step = options.step ?? false;
  if (recurrent.batchFirst) {
    fail("the model runs batch-first; export a time-major model (batchFirst false)");
  }
  if (step && recurrent.directions === 2) {
    fail(
      "a bidirectional model cannot run one step at a time (its reverse direction reads the future); export it without step",
    );
  }
  if (step && options.time !== undefined && options.time !== 1 && options.time !== "dynamic") {
    throw new OnnxExportError(
      "OPTIONS",
      `exportOnnx: a step model has one time step, got time ${options.time}`,
    );
  }
  const batch = dimOf(options.batch, "batch", "batch");
  if (spec === null) {
    const name = recurrent.cell.definition.name;
    const why = `cell "${name}" has no ONNX operator, so it exports as the unrolled graph of its step, traced with concrete shapes`;
    if (typeof options.batch !== "number") {
      throw new OnnxExportError(
        "OPTIONS",
        `exportOnnx: ${why}: pass a fixed batch (e.g. { batch: 1 }), got ${JSON.stringify(options.batch ?? "dynamic")}`,
      );
    }
    if (!step && typeof options.time !== "number") {
      throw new OnnxExportError(
        "OPTIONS",
        `exportOnnx: ${why}: pass a fixed time (e.g. { time: 64 }) or export one step, got ${JSON.stringify(options.time ?? "dynamic")}`,
      );
    }
    if (options.sequenceLens === true) {
      throw new OnnxExportError(
        "OPTIONS",
        `exportOnnx: ${why}: sequence_lens is for rnn, lstm and gru only`,
      );
    }
  }
  const time = step ? 1 : dimOf(options.time, "time", "time");
  const weights = model.stateDict();
  const g = new GraphBuilder();
  const hidden = recurrent.outputSize;
  const directions = recurrent.directions;
  const layers = recurrent.numLayers;

  // Inputs.
  const { input } = model;
  const tokenInput = input.kind !== "features";
  const inputDims: Dim[] = step ? [batch] : [time, batch];
  if (!tokenInput) inputDims.push(input.size);
  let x = g.input(onnxNames.input, tokenInput ? "int64" : "float", inputDims);
  const cellState = recurrent.cell.definition.state({
    ...recurrent.cell.config,
    input: recurrent.inputSize,
    batch: 1,
  }) as Record<string, number[]>;
  const parts = spec?.parts ?? Object.keys(cellState);
  const stateDims = (part: string): Dim[] =>
    spec === null
      ? [layers * directions, batch, ...(cellState[part] as number[]).slice(1)]
      : [layers * directions, batch, hidden];
  const initial = parts.map((part) => g.input(onnxNames.initial(part), "float", stateDims(part)));
  const lens =
    options.sequenceLens === true && !step ? g.input(onnxNames.sequenceLens, "int32", [batch]) : "";
  if (step) {
    x = g.one("Unsqueeze", [x, g.constant("axis0", "int64", [1], [0])]);
  }

  // Encoding.
  if (input.kind === "embedding") {
    const table = tensorOf(weights, "embedding.weight");
    x = g.one("Gather", [g.constant("embedding.weight", "float", table.shape, table.data()), x]);
  } else if (input.kind === "one-hot") {
    const depth = g.constant("vocab", "int64", [1], [input.vocab]);
    const values = g.constant("off_on", "float", [2], [0, 1]);
    x = g.one("OneHot", [x, depth, values], { axis: -1 });
  }

  // Recurrent layers.
  const finals: string[][] = parts.map(() => []);
  if (spec === null) {
    x = unrolledLayers(g, model, weights, x, initial, {
      batch: batch as number,
      time: time as number,
      finals,
    });
  }
  for (let layer = 0; spec !== null && layer < layers; layer++) {
    const slices = initial.map((name) =>
      layers === 1
        ? name
        : (g.node("Slice", [
            name,
            g.constant("start", "int64", [1], [layer * directions]),
            g.constant("end", "int64", [1], [(layer + 1) * directions]),
            g.constant("axis0", "int64", [1], [0]),
          ])[0] as string),
    );
    const { w, r, b } = layerWeights(g, weights, spec.gates, layer, directions);
    const finalNames = parts.map((part) =>
      layers === 1 ? onnxNames.final(part) : g.fresh(`${part}_l${layer}`),
    );
    const inputs = [x, w, r, b, lens, ...slices];
    const y = g.one(
      spec.op,
      inputs,
      {
        hidden_size: hidden,
        direction: directions === 2 ? "bidirectional" : "forward",
        ...spec.attributes,
      },
      [g.fresh(`y_l${layer}`), ...finalNames],
    );
    finalNames.forEach((name, i) => {
      (finals[i] as string[]).push(name);
    });
    // Y [time, dirs, batch, H] → [time, batch, dirs·H] (directions side by side, as ours).
    if (directions === 1) {
      x = g.one("Squeeze", [y, g.constant("axis1", "int64", [1], [1])]);
    } else {
      const swapped = g.one("Transpose", [y], { perm: [0, 2, 1, 3] });
      x = g.one("Reshape", [swapped, g.constant("shape", "int64", [3], [0, 0, -1])]);
    }
  }
  if (layers > 1 || spec === null) {
    parts.forEach((part, i) => {
      g.node("Concat", finals[i] as string[], { axis: 0 }, [onnxNames.final(part)]);
    });
  }

  // Head: y = x Wᵀ + b.
  const head = tensorOf(weights, "head.weight");
  const [outputs, features] = head.shape as [number, number];
  const transposed = new Float32Array(features * outputs);
  const values = head.data();
  for (let o = 0; o < outputs; o++)
    for (let f = 0; f < features; f++)
      transposed[f * outputs + o] = values[o * features + f] as number;
  const product = g.one("MatMul", [
    x,
    g.constant("head.weight_t", "float", [features, outputs], transposed),
  ]);
  const bias = tensorOf(weights, "head.bias");
  if (step) {
    const sum = g.one("Add", [product, g.constant("head.bias", "float", [outputs], bias.data())]);
    g.node("Squeeze", [sum, g.constant("axis0", "int64", [1], [0])], {}, [onnxNames.output]);
  } else {
    g.node("Add", [product, g.constant("head.bias", "float", [outputs], bias.data())], {}, [
      onnxNames.output,
    ]);
  }
  g.output(onnxNames.output, "float", step ? [batch, outputs] : [time, batch, outputs]);
  for (const part of parts) g.output(onnxNames.final(part), "float", stateDims(part));

  return encodeModel({
    irVersion: onnxIrVersion,
    opsetImport: [{ domain: "", version: onnxOpset }],
    producerName: "recurrent",
    producerVersion: options.producerVersion ?? "",
    docString: `${model.recurrent.cell.definition.name}, ${layers} layer(s), ${directions} direction(s), ${step ? "one step" : "whole sequence"}`,
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: step ? "recurrent_step" : "recurrent",
      node: g.nodes,
      initializer: g.initializers,
      input: g.inputs,
      output: g.outputs,
    },
  });
}

function tensorOf(weights: Record<string, Tensor>, key: string): Tensor {
  const found = weights[key];
  if (found === undefined) {
    fail(`the model has no parameter "${key}" (parameters: ${Object.keys(weights).join(", ")})`);
  }
  return found;
}

/**
 * W [dirs, G·H, input], R [dirs, G·H, H] and B [dirs, 2·G·H] (W's biases,
 * then R's) of one layer, in ONNX's gate order; B is left out ("") for a
 * layer without biases.
 */
function layerWeights(
  g: GraphBuilder,
  weights: Record<string, Tensor>,
  gates: GateCell,
  layer: number,
  directions: number,
): { w: string; r: string; b: string } {
  const suffixes = Array.from({ length: directions }, (_, d) =>
    layerParameterName("", layer, d === 1),
  );
  const stackOf = (name: string): { dims: number[]; values: Float32Array } | null => {
    const parts = suffixes.map((s) => weights[`recurrent.${name}${s}`]);
    if (parts.every((p) => p === undefined)) return null;
    const blocks = parts.map((p, d) => {
      if (p === undefined) fail(`the model has no parameter "recurrent.${name}${suffixes[d]}"`);
      const rows = p.shape[0] as number;
      const columns = p.rank === 2 ? (p.shape[1] as number) : 1;
      if (rows % onnxGateOrder[gates].length !== 0) {
        fail(
          `"recurrent.${name}${suffixes[d]}" has ${rows} rows, not a multiple of the ${onnxGateOrder[gates].length} gates`,
        );
      }
      return toOnnxOrder(gates, p.data(), rows, columns);
    });
    const first = parts[0] as Tensor;
    const values = new Float32Array(blocks.reduce((n, b) => n + b.length, 0));
    blocks.forEach((b, d) => {
      values.set(b, d * b.length);
    });
    return { dims: [directions, ...first.shape], values };
  };
  const w = stackOf("weight_ih");
  const r = stackOf("weight_hh");
  if (w === null || r === null) fail(`layer ${layer} has no weight_ih or weight_hh`);
  const bIh = stackOf("bias_ih");
  const bHh = stackOf("bias_hh");
  let b = "";
  if (bIh !== null || bHh !== null) {
    if (bIh === null || bHh === null) fail(`layer ${layer} has only one of bias_ih and bias_hh`);
    const size = bIh.values.length / directions;
    const joined = new Float32Array(2 * size * directions);
    for (let d = 0; d < directions; d++) {
      joined.set(bIh.values.subarray(d * size, (d + 1) * size), 2 * d * size);
      joined.set(bHh.values.subarray(d * size, (d + 1) * size), (2 * d + 1) * size);
    }
    b = g.constant(`B_l${layer}`, "float", [directions, 2 * size], joined);
  }
  return {
    w: g.constant(`W_l${layer}`, "float", w.dims, w.values),
    r: g.constant(`R_l${layer}`, "float", r.dims, r.values),
    b,
  };
}
