/**
 * The exported graphs run in ONNX Runtime (onnxruntime-node, CPU) and give
 * what our own forward pass gives, within 1e-5: every built-in cell (rnn
 * tanh and relu, lstm, gru in both forms), one and two layers, one and two
 * directions, each input encoding, a random initial state, with and without
 * sequence_lens (against our mask), and the step model fed one token at a
 * time against the whole sequence.
 */
import {
  ar,
  type Cell,
  type CellState,
  createCell,
  defineCell,
  gru,
  latentAr,
  lstm,
  markov,
  rnn,
  type SequenceInput,
  SequenceModel,
} from "@recurrent/cells";
import { z } from "@recurrent/registry";
import {
  add,
  Generator,
  matMul,
  mul,
  reshape,
  sigmoid,
  split,
  type Tensor,
  tanh,
  tensor,
} from "@recurrent/tensor";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { describeOnnx } from "./describe-model.js";
import { OnnxExportError } from "./errors.js";
import { exportOnnx, onnxNames } from "./export-model.js";

const cells: [string, () => Cell, string[]][] = [
  ["rnn tanh", () => createCell(rnn, { hidden: 5, nonlinearity: "tanh" }), ["h"]],
  ["rnn relu", () => createCell(rnn, { hidden: 5, nonlinearity: "relu" }), ["h"]],
  ["lstm", () => createCell(lstm, { hidden: 5, forgetBias: 1 }), ["h", "c"]],
  ["gru", () => createCell(gru, { hidden: 5 }), ["h"]],
  ["gru reset-before", () => createCell(gru, { hidden: 5, resetAfter: false }), ["h"]],
];
const inputs: SequenceInput[] = [
  { kind: "embedding", vocab: 7, size: 4 },
  { kind: "one-hot", vocab: 7 },
  { kind: "features", size: 3 },
];
const [time, batch, vocab] = [6, 3, 7];

const cases = cells.flatMap(([name, cell, parts]) =>
  [1, 2].flatMap((layers) =>
    [false, true].map((bidirectional) => ({
      name: `${name}, ${layers} layer(s), ${bidirectional ? "bidirectional" : "forward"}`,
      cell,
      parts,
      layers,
      bidirectional,
      // Every encoding comes up across the table without tripling it.
      input: inputs[(layers + (bidirectional ? 1 : 0) + name.length) % 3] as SequenceInput,
    })),
  ),
);

function build(c: (typeof cases)[number], seed = 3): SequenceModel {
  const model = new SequenceModel(c.cell(), {
    input: c.input,
    outputSize: vocab,
    numLayers: c.layers,
    bidirectional: c.bidirectional,
    seed,
  });
  model.eval();
  return model;
}

function inputOf(model: SequenceModel, rng: Generator, t = time): Tensor {
  if (model.input.kind === "features") {
    return rng.normal([t, batch, 3]);
  }
  const v = model.input.vocab;
  return tensor(
    Int32Array.from({ length: t * batch }, () => rng.nextInt(v)),
    {
      shape: [t, batch],
      dtype: "int32",
    },
  );
}

function ortInput(x: Tensor): ort.Tensor {
  return x.dtype === "int32"
    ? new ort.Tensor("int64", BigInt64Array.from(Array.from(x.data(), BigInt)), [...x.shape])
    : new ort.Tensor("float32", Float32Array.from(x.data()), [...x.shape]);
}

function ortFloat(t: Tensor): ort.Tensor {
  return new ort.Tensor("float32", Float32Array.from(t.data()), [...t.shape]);
}

function expectClose(got: ArrayLike<number>, want: Tensor, what: string): void {
  const expected = want.data();
  expect(got.length, `${what}: size`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs((got[i] as number) - (expected[i] as number));
    if (!(diff <= worst)) {
      worst = diff;
      at = i;
    }
  }
  expect(worst, `${what}: worst difference at flat index ${at}`).toBeLessThanOrEqual(1e-5);
}

function randomState(model: SequenceModel, rng: Generator): CellState {
  const state: CellState = {};
  for (const [part, zero] of Object.entries(model.initialState(batch))) {
    state[part] = rng.normal([...zero.shape], 0, 0.5);
  }
  return state;
}

describe("exportOnnx runs in ONNX Runtime as our forward pass does", () => {
  it.each(cases)("$name", async (c) => {
    const model = build(c);
    const rng = new Generator(11);
    const x = inputOf(model, rng);
    const state = randomState(model, rng);
    const ours = model.forward(x, { state });
    const session = await ort.InferenceSession.create(exportOnnx(model));
    const feeds: Record<string, ort.Tensor> = { [onnxNames.input]: ortInput(x) };
    for (const part of c.parts) feeds[onnxNames.initial(part)] = ortFloat(state[part] as Tensor);
    const result = await session.run(feeds);
    expect(result[onnxNames.output]?.dims).toEqual([time, batch, vocab]);
    expectClose(result[onnxNames.output]?.data as Float32Array, ours.output, "output");
    for (const part of c.parts) {
      expectClose(
        result[onnxNames.final(part)]?.data as Float32Array,
        ours.state[part] as Tensor,
        `final ${part}`,
      );
    }
  });

  it.each(cases.filter((c) => c.layers === 2))(
    "$name, with sequence_lens against our mask",
    async (c) => {
      const model = build(c, 5);
      const rng = new Generator(13);
      const x = inputOf(model, rng);
      const state = randomState(model, rng);
      const lengths = [time, 2, 4];
      const mask = tensor(
        Float32Array.from({ length: time * batch }, (_, i) =>
          Math.floor(i / batch) < (lengths[i % batch] as number) ? 1 : 0,
        ),
        { shape: [time, batch] },
      );
      const ours = model.forward(x, { state, mask });
      const session = await ort.InferenceSession.create(exportOnnx(model, { sequenceLens: true }));
      const feeds: Record<string, ort.Tensor> = {
        [onnxNames.input]: ortInput(x),
        [onnxNames.sequenceLens]: new ort.Tensor("int32", Int32Array.from(lengths), [batch]),
      };
      for (const part of c.parts) feeds[onnxNames.initial(part)] = ortFloat(state[part] as Tensor);
      const result = await session.run(feeds);
      for (const part of c.parts) {
        expectClose(
          result[onnxNames.final(part)]?.data as Float32Array,
          ours.state[part] as Tensor,
          `final ${part}`,
        );
      }
      // Our head reads zeros at padded steps and gives its bias; ONNX's recurrent output is zero
      // there too, so the outputs agree at every step.
      expectClose(result[onnxNames.output]?.data as Float32Array, ours.output, "output");
    },
  );

  it.each(cases.filter((c) => !c.bidirectional))(
    "$name, the step model, token by token",
    async (c) => {
      const model = build(c, 7);
      const rng = new Generator(17);
      const x = inputOf(model, rng);
      const ours = model.forward(x);
      const session = await ort.InferenceSession.create(exportOnnx(model, { step: true }));
      let feeds: Record<string, ort.Tensor> = {};
      for (const [part, zero] of Object.entries(model.initialState(batch)))
        feeds[onnxNames.initial(part)] = ortFloat(zero);
      const perStep = x.size / time;
      const outputs = new Float32Array(time * batch * vocab);
      for (let t = 0; t < time; t++) {
        const slice = tensor(x.data().slice(t * perStep, (t + 1) * perStep), {
          shape: x.shape.slice(1),
          dtype: x.dtype,
        });
        const result = await session.run({ ...feeds, [onnxNames.input]: ortInput(slice) });
        outputs.set(result[onnxNames.output]?.data as Float32Array, t * batch * vocab);
        feeds = {};
        for (const part of c.parts)
          feeds[onnxNames.initial(part)] = result[onnxNames.final(part)] as ort.Tensor;
      }
      expectClose(outputs, ours.output, "outputs over the steps");
    },
  );

  it("fixes the batch and time axes when asked", () => {
    const model = build(cases[4] as (typeof cases)[number]);
    // rnn relu, one layer, forward, embedding input.
    const fixed = describeOnnx(exportOnnx(model, { batch: 2, time: 9 }));
    expect(fixed.inputs).toEqual([
      { name: "input", type: "int64", dims: [9, 2] },
      { name: "h0", type: "float", dims: [1, 2, 5] },
    ]);
    expect(fixed.outputs.map((o) => o.dims)).toEqual([
      [9, 2, vocab],
      [1, 2, 5],
    ]);
    const dynamic = describeOnnx(exportOnnx(model));
    expect(dynamic.inputs[0]?.dims).toEqual(["time", "batch"]);
    expect(dynamic.nodes.map((n) => n.opType)).toEqual([
      "Gather",
      "RNN",
      "Squeeze",
      "MatMul",
      "Add",
    ]);
    expect(dynamic.nodes[1]?.attributes).toEqual({
      hidden_size: 5,
      direction: "forward",
      activations: ["Relu"],
    });
    expect([dynamic.irVersion, dynamic.opset]).toEqual([8, 14]);
  });
});

/** A plugin's cell, written as a plugin author would (a peephole LSTM). */
const peephole = defineCell({
  name: "test/peephole-lstm",
  description: "LSTM whose gates also read the cell state",
  schema: z.object({ hidden: z.number().int().positive().default(4) }),
  params: ({ input, hidden }) => ({
    wx: [4 * hidden, input],
    wh: [4 * hidden, hidden],
    peep: [3, hidden],
    b: [4 * hidden],
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden], c: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h, c }, p) {
    const gates = add(
      add(
        matMul(x, p.wx as Tensor, { transposeB: true }),
        matMul(h as Tensor, p.wh as Tensor, { transposeB: true }),
      ),
      p.b as Tensor,
    );
    const [i, f, g, o] = split(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const [pi, pf, po] = split(p.peep as Tensor, 3, 0).map((t) =>
      reshape(t, [t.shape[1] as number]),
    ) as [Tensor, Tensor, Tensor];
    const cNext = add(
      mul(sigmoid(add(f, mul(pf, c as Tensor))), c as Tensor),
      mul(sigmoid(add(i, mul(pi, c as Tensor))), tanh(g)),
    );
    const hNext = mul(sigmoid(add(o, mul(po, cNext))), tanh(cNext));
    return { output: hNext, state: { h: hNext, c: cNext } };
  },
});

const traced: {
  name: string;
  cell: () => Cell;
  input: SequenceInput;
  layers: number;
  bidirectional: boolean;
}[] = [
  {
    name: "markov",
    cell: () => createCell(markov, {}),
    input: { kind: "one-hot", vocab: 7 },
    layers: 1,
    bidirectional: false,
  },
  {
    name: "ar (tanh)",
    cell: () => createCell(ar, { tau: 3, hidden: 4, activation: "tanh" }),
    input: { kind: "features", size: 3 },
    layers: 1,
    bidirectional: false,
  },
  {
    name: "latent-ar, 2 layers, bidirectional",
    cell: () => createCell(latentAr, { hidden: 4 }),
    input: { kind: "embedding", vocab: 7, size: 4 },
    layers: 2,
    bidirectional: true,
  },
  {
    name: "a plugin's peephole LSTM, 2 layers",
    cell: () => createCell(peephole, { hidden: 4 }),
    input: { kind: "embedding", vocab: 7, size: 4 },
    layers: 2,
    bidirectional: false,
  },
];

describe("cells without an ONNX operator export as the unrolled graph of their step", () => {
  it.each(traced)("$name: ONNX Runtime gives our outputs and final state", async (c) => {
    const model = new SequenceModel(c.cell(), {
      input: c.input,
      outputSize: vocab,
      numLayers: c.layers,
      bidirectional: c.bidirectional,
      seed: 9,
    });
    model.eval();
    const rng = new Generator(19);
    const x = inputOf(model, rng);
    const state = randomState(model, rng);
    const ours = model.forward(x, { state });
    const session = await ort.InferenceSession.create(exportOnnx(model, { batch, time }));
    const feeds: Record<string, ort.Tensor> = { [onnxNames.input]: ortInput(x) };
    for (const [part, value] of Object.entries(state))
      feeds[onnxNames.initial(part)] = ortFloat(value);
    const result = await session.run(feeds);
    expectClose(result[onnxNames.output]?.data as Float32Array, ours.output, "output");
    for (const [part, value] of Object.entries(ours.state)) {
      expectClose(result[onnxNames.final(part)]?.data as Float32Array, value, `final ${part}`);
    }
  });

  it("the plugin cell's step model, token by token, equals the whole sequence", async () => {
    const model = new SequenceModel(createCell(peephole, { hidden: 4 }), {
      input: { kind: "embedding", vocab: 7, size: 4 },
      outputSize: vocab,
      seed: 4,
    });
    model.eval();
    const x = inputOf(model, new Generator(23));
    const ours = model.forward(x);
    const session = await ort.InferenceSession.create(exportOnnx(model, { step: true, batch }));
    let feeds: Record<string, ort.Tensor> = {};
    for (const [part, zero] of Object.entries(model.initialState(batch)))
      feeds[onnxNames.initial(part)] = ortFloat(zero);
    const outputs = new Float32Array(time * batch * vocab);
    for (let t = 0; t < time; t++) {
      const ids = tensor(x.data().slice(t * batch, (t + 1) * batch), {
        shape: [batch],
        dtype: "int32",
      });
      const result = await session.run({ ...feeds, [onnxNames.input]: ortInput(ids) });
      outputs.set(result[onnxNames.output]?.data as Float32Array, t * batch * vocab);
      feeds = { h0: result.hn as ort.Tensor, c0: result.cn as ort.Tensor };
    }
    expectClose(outputs, ours.output, "outputs over the steps");
  });

  it("asks for a fixed batch and time, naming why", () => {
    const model = new SequenceModel(createCell(markov, {}), {
      input: { kind: "one-hot", vocab: 4 },
      outputSize: 4,
    });
    expect(() => exportOnnx(model)).toThrow(
      'exportOnnx: cell "markov" has no ONNX operator, so it exports as the unrolled graph of its step, traced with concrete shapes: pass a fixed batch (e.g. { batch: 1 }), got "dynamic"',
    );
    expect(() => exportOnnx(model, { batch: 2 })).toThrow(
      /pass a fixed time \(e\.g\. \{ time: 64 \}\) or export one step/,
    );
  });
});

describe("exportOnnx refuses what ONNX's operators cannot hold", () => {
  it("refuses a bidirectional step model and a bad batch", () => {
    const model = build(cases[1] as (typeof cases)[number]);
    expect(() => exportOnnx(model, { step: true })).toThrow(OnnxExportError);
    expect(() => exportOnnx(model, { step: true })).toThrow(
      /bidirectional model cannot run one step at a time/,
    );
    expect(() => exportOnnx(model, { batch: 0 })).toThrow(
      'exportOnnx: batch must be a positive integer or "dynamic", got 0',
    );
  });
});
