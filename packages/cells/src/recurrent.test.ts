/**
 * `Recurrent` as a whole: the fused paths equal to the step path in the
 * stacked, bidirectional, masked, batch-first configurations; truncated BPTT
 * cutting gradients exactly; state carried across calls; dropout between
 * layers; and the errors a caller sees, pinned.
 */
import { backward, requireGrad } from "@recurrent/autograd";
import {
  add,
  concat,
  Generator,
  mul,
  reshape,
  slice,
  sum,
  type Tensor,
  tensor,
  zeros,
} from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { type Cell, createCell } from "./cell.js";
import { ar } from "./cells/ar.js";
import { gru } from "./cells/gru.js";
import { lstm } from "./cells/lstm.js";
import { markov } from "./cells/markov.js";
import { rnn } from "./cells/rnn.js";
import { Recurrent, type RecurrentOptions } from "./recurrent.js";
import { detachState } from "./runner.js";
import { expectClose, maxAbs } from "./testing/helpers.js";

const fusedKinds: [string, () => Cell][] = [
  ["rnn tanh", () => createCell(rnn, { hidden: 5 })],
  ["rnn relu", () => createCell(rnn, { hidden: 5, nonlinearity: "relu" })],
  ["lstm", () => createCell(lstm, { hidden: 5, forgetBias: 1 })],
  ["gru", () => createCell(gru, { hidden: 5 })],
];

const configurations: (Omit<RecurrentOptions, "inputSize"> & { masked: boolean })[] = [
  { numLayers: 2, bidirectional: true, batchFirst: true, masked: true },
  { numLayers: 3, bidirectional: true, batchFirst: false, masked: true },
  { numLayers: 2, bidirectional: false, batchFirst: true, masked: false },
];

/** Right-padded lengths [6, 3, 1, 5] as a mask in the layout the model reads. */
function lengthMask(time: number, lengths: number[], batchFirst: boolean, dtype = "float32") {
  const values: number[] = [];
  const [outer, inner] = batchFirst ? [lengths.length, time] : [time, lengths.length];
  for (let i = 0; i < outer; i++)
    for (let j = 0; j < inner; j++) {
      const [b, t] = batchFirst ? [i, j] : [j, i];
      values.push(t < (lengths[b] as number) ? 1 : 0);
    }
  return tensor(values, { shape: [outer, inner], dtype: dtype as "float32" | "float64" });
}

/** Forward and backward of Σ output·p + Σ state·q; returns every value and gradient. */
function runAll(model: Recurrent, masked: boolean, dtype: "float32" | "float64") {
  const [T, B, I] = [6, 4, 3];
  const g = new Generator(17);
  const x = requireGrad(g.normal(model.batchFirst ? [B, T, I] : [T, B, I], 0, 1, dtype));
  const initial = model.initialState(B);
  const state: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(initial))
    state[name] = requireGrad(g.normal(value.shape, 0, 0.5, dtype));
  const mask = masked ? lengthMask(T, [6, 3, 1, 5], model.batchFirst, dtype) : null;
  const result = model.forward(x, { state, mask });
  let loss = sum(mul(result.output, g.normal(result.output.shape, 0, 1, dtype)));
  for (const value of Object.values(result.state))
    loss = add(loss, sum(mul(value, g.normal(value.shape, 0, 1, dtype))));
  backward(loss);
  return [
    ["output", result.output],
    ...Object.entries(result.state).map(([k, v]) => [`final ${k}`, v]),
    ["grad x", x.grad],
    ...Object.entries(state).map(([k, v]) => [`grad initial ${k}`, v.grad]),
    ...model.namedParameters().map(([k, p]) => [`grad ${k}`, p.grad]),
  ] as [string, Tensor][];
}

describe.each(fusedKinds)("%s: the fused path equals the step path", (_, makeCell) => {
  it.each(configurations.map((c) => [JSON.stringify(c), c] as const))("%s", (_, c) => {
    const { masked, ...options } = c;
    // float32 at the 1e-5 relative (compile/derived.test.ts holds the path to float64 rounding).
    for (const [dtype, tolerance] of [["float32", { rtol: 1e-5, atol: 1e-6 }]] as const) {
      const build = (fused: boolean) =>
        new Recurrent(makeCell(), { ...options, inputSize: 3, seed: 4, dtype, fused });
      const fused = runAll(build(true), masked, dtype);
      const step = runAll(build(false), masked, dtype);
      expect(fused.map(([k]) => k)).toEqual(step.map(([k]) => k));
      fused.forEach(([label, value], i) => {
        expectClose(value, (step[i] as [string, Tensor])[1], { ...tolerance, label });
      });
    }
  });
});

describe("truncated BPTT", () => {
  const [T, B, I] = [12, 2, 3];
  const x0 = new Generator(5).normal([T, B, I]);

  it.each([1, 2])(
    "truncate: 4 with %i layer(s): inputs more than 4 steps before the loss get exactly zero gradient",
    (numLayers) => {
      const model = new Recurrent(createCell(lstm, { hidden: 4 }), {
        inputSize: I,
        numLayers,
        seed: 2,
        fused: false, // truncation runs the step path; compare like with like below
      });
      const x = requireGrad(tensor(x0.toTypedArray(), { shape: x0.shape }));
      const { output } = model.forward(x, { truncate: 4 });
      backward(sum(slice(output, [T - 1], [T]))); // the loss reads step 11 only
      const grad = x.grad as Tensor;
      for (let t = 0; t < T; t++) {
        const step = maxAbs(slice(grad, [t], [t + 1]));
        // Segments [0, 4), [4, 8), [8, 12): the gradient stops at step 8.
        if (t < 8) expect(step, `t = ${t}`).toBe(0);
        else expect(step, `t = ${t}`).toBeGreaterThan(0);
      }
      // The forward values are untouched by the cut.
      const full = model.forward(x0).output;
      expectClose(output, full, { rtol: 0, atol: 0, label: "output" });
    },
  );

  it("carries the state across calls with detachState, and the gradient stops at the call", () => {
    const model = new Recurrent(createCell(gru, { hidden: 4 }), { inputSize: I, seed: 3 });
    const full = model.forward(x0);
    const first = requireGrad(tensor(slice(x0, [0], [6]).toTypedArray(), { shape: [6, B, I] }));
    const second = requireGrad(tensor(slice(x0, [6], [T]).toTypedArray(), { shape: [6, B, I] }));
    const a = model.forward(first);
    const b = model.forward(second, { state: detachState(a.state) });
    // Same values as one call over all 12 steps (float32, rounding only).
    expectClose(concat([a.output, b.output], 0), full.output, { rtol: 1e-6, atol: 1e-7 });
    expectClose(b.state.h as Tensor, full.state.h as Tensor, { rtol: 1e-6, atol: 1e-7 });
    backward(sum(b.output));
    expect(first.grad).toBeNull();
    expect(maxAbs(second.grad as Tensor)).toBeGreaterThan(0);
    // Without the detach the gradient does reach the first call's inputs.
    const c = model.forward(first);
    backward(sum(model.forward(second, { state: c.state }).output));
    expect(maxAbs(first.grad as Tensor)).toBeGreaterThan(0);
  });
});

describe("dropout between layers", () => {
  const x = new Generator(8).normal([5, 3, 4]);
  const build = (dropout: number, numLayers = 2, seed = 9) =>
    new Recurrent(createCell(lstm, { hidden: 6 }), { inputSize: 4, numLayers, dropout, seed });

  it("is the identity in eval mode", () => {
    const dropped = build(0.5).eval().forward(x).output;
    const plain = build(0).forward(x).output;
    expectClose(dropped, plain, { rtol: 0, label: "eval output" });
  });

  it("changes the output in training mode, and only between layers", () => {
    const model = build(0.5);
    const trained = model.forward(x).output;
    const plain = build(0).forward(x).output;
    expect(maxAbs(add(trained, mul(plain, -1)))).toBeGreaterThan(1e-3);
    expect(Array.from(trained.data()).some((v) => v === 0)).toBe(false); // the last layer's output is not dropped
    // One layer: nothing lies between layers, so nothing is dropped.
    expectClose(build(0.5, 1).forward(x).output, build(0, 1).forward(x).output, { rtol: 0 });
  });

  it("is deterministic by seed", () => {
    const first = build(0.5, 2, 21);
    const again = build(0.5, 2, 21);
    const a1 = first.forward(x).output;
    const a2 = first.forward(x).output;
    expectClose(again.forward(x).output, a1, { rtol: 0, label: "same seed, first call" });
    expectClose(again.forward(x).output, a2, { rtol: 0, label: "same seed, second call" });
    expect(maxAbs(add(a1, mul(a2, -1)))).toBeGreaterThan(0); // a fresh mask every call
  });
});

describe("errors", () => {
  const model = new Recurrent(createCell(lstm, { hidden: 4 }), { inputSize: 16 });
  const firstBatch = new Recurrent(createCell(lstm, { hidden: 4 }), {
    inputSize: 16,
    batchFirst: true,
    numLayers: 2,
  });

  it("input of the wrong rank, features or dtype", () => {
    expect(() => model.forward(zeros([8, 16]))).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: input must be [time, batch, 16], got [8, 16]]`,
    );
    expect(() => firstBatch.forward(zeros([8, 16]))).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: input must be [batch, time, 16], got [8, 16]]`,
    );
    expect(() => model.forward(zeros([5, 2, 15]))).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: input must be [time, batch, 16], got [5, 2, 15]]`,
    );
    // int32 input is token ids, [time, batch].
    expect(() => model.forward(zeros([5, 2, 16], "int32"))).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: input must be [time, batch] int32 token ids, got [5, 2, 16]]`,
    );
    expect(() => model.forward(zeros([5, 2, 16], "float64"))).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: input must be float32 like the parameters, got float64]`,
    );
  });

  it("mask, state and truncate", () => {
    const x = zeros([5, 2, 16]);
    expect(() => model.forward(x, { mask: zeros([2, 5]) })).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: mask must be [time, batch] = [5, 2] for input [5, 2, 16], got [2, 5]]`,
    );
    expect(() => firstBatch.forward(x, { mask: zeros([2, 5]) })).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: mask must be [batch, time] = [5, 2] for input [5, 2, 16], got [2, 5]]`,
    );
    expect(() =>
      model.forward(x, { state: { h: zeros([2, 4]) } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: bad initial state (parts are [layers · directions, batch, …]): "h" must be [1, 2, 4], got [2, 4]; "c" is missing (expected [1, 2, 4])]`,
    );
    expect(() =>
      model.forward(x, { state: { h: zeros([1, 2, 4]), c: zeros([1, 2, 4]), n: zeros([1]) } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: bad initial state (parts are [layers · directions, batch, …]): "n" is not a part of this cell's state]`,
    );
    expect(() => model.forward(x, { truncate: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[CellError: lstm: truncate must be a positive integer number of steps, got 0]`,
    );
  });

  it("configuration", () => {
    expect(
      () => new Recurrent(createCell(rnn), { inputSize: 3, dropout: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: Recurrent: dropout must be in [0, 1), got 1]`,
    );
    expect(
      () => new Recurrent(createCell(rnn), { inputSize: 0 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: Recurrent: inputSize must be a positive integer, got 0]`,
    );
    expect(
      () => new Recurrent(createCell(ar, { tau: 4, hidden: 10 }), { inputSize: 1, numLayers: 2 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: ar: layer 1 would keep its state "window" as [batch, 40], layer 0 as [batch, 4]; stacked states must share one shape (layer 1 reads 10 features, layer 0 reads 1)]`,
    );
    expect(() =>
      createCell(lstm, { hidden: -1, forgetbias: 1 } as never),
    ).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config for cell "lstm" (2 problems):
        - hidden: expected > 0, got -1
        - forgetbias: unknown option; did you mean "forgetBias"? (options: bias, forgetBias, hidden, projSize)]
    `);
  });

  it("stacks cells whose state follows the input when every layer's input has one size", () => {
    const stacked = new Recurrent(createCell(markov), { inputSize: 3, numLayers: 2 });
    const x = new Generator(1).normal([4, 2, 3]);
    const { output, state } = stacked.forward(x);
    expect(output.shape).toEqual([4, 2, 3]);
    expect(state.last?.shape).toEqual([2, 2, 3]);
    // Layer 0 keeps the last input it saw.
    const lastState = reshape(slice(state.last as Tensor, [0], [1]), [2, 3]);
    expectClose(lastState, reshape(slice(x, [3], [4]), [2, 3]), { rtol: 0 });
  });
});
