/**
 * The note's claim, measured: over 100 steps, with the loss at the last step
 * only, ‖∂L/∂h_t‖ at t = 0 against t = 99 shrinks by orders of magnitude
 * for a tanh RNN with small recurrent weights, grows for a relu RNN with
 * large ones, and stays within a few orders for an LSTM whose forget gate
 * is biased open.
 */
import { backward } from "@recurrent/autograd";
import { abs, Generator, mul, reshape, slice, sum, type Tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createCell } from "./cell.js";
import { lstm } from "./cells/lstm.js";
import { rnn } from "./cells/rnn.js";
import { GradientFlowRecorder, gradientFlow, normsOverTime } from "./gradient-flow.js";
import { Recurrent } from "./recurrent.js";

const [T, B, I, H] = [100, 4, 8, 16];
const g = new Generator(3);
const x = g.normal([T, B, I]);
const probe = g.normal([B, H]);
/** L = Σ probe ⊙ h_99: the loss reads the last step only. */
const lastStepLoss = ({ output }: { output: Tensor }) =>
  sum(mul(reshape(slice(output, [T - 1], [T]), [B, H]), probe));

function ends(model: Recurrent, input: Tensor = x) {
  const report = gradientFlow(model, input, lastStepLoss);
  const norms = normsOverTime(report.points);
  expect(norms).toHaveLength(T);
  return { first: norms[0] as number, last: norms[T - 1] as number, report };
}

describe("gradientFlow over 100 steps, loss at the last step", () => {
  it("tanh RNN, small recurrent weights (PyTorch's U(±1/√H), spectral radius ≈ 0.6): vanishes", () => {
    const model = new Recurrent(createCell(rnn, { hidden: H }), { inputSize: I, seed: 1 });
    const { first, last, report } = ends(model);
    expect(report.part).toBe("h");
    // Measured: ‖∂L/∂h_0‖ ≈ 6e-32 against ‖∂L/∂h_99‖ ≈ 8.2 (= ‖probe‖).
    expect(last).toBeCloseTo(Math.sqrt(sum(mul(probe, probe)).item()), 4);
    expect(first / last).toBeLessThan(1e-20);
  });

  it("relu RNN, large recurrent weights (W_hh = 1.2·I): explodes", () => {
    const model = new Recurrent(createCell(rnn, { hidden: H, nonlinearity: "relu" }), {
      inputSize: I,
      seed: 1,
    });
    const w = model.stateDict().weight_hh_l0 as Tensor;
    const values = w.storage.array;
    for (let i = 0; i < H * H; i++) values[w.offset + i] = i % (H + 1) === 0 ? 1.2 : 0;
    const { first, last } = ends(model, abs(x)); // non-negative inputs keep units active
    // Measured: ≈ 3e8 against 8.2; 1.2^99 ≈ 7e7 is the bare product.
    expect(first / last).toBeGreaterThan(1e6);
  });

  it("LSTM with forgetBias 3 (σ(3) ≈ 0.95): stays within a few orders of magnitude", () => {
    const model = new Recurrent(createCell(lstm, { hidden: H, forgetBias: 3 }), {
      inputSize: I,
      seed: 1,
    });
    const { first, last } = ends(model);
    // Measured: ≈ 7e-2 against 8.2 (forgetBias 1 gives ≈ 5e-8: 0.73^99 still vanishes).
    expect(first / last).toBeGreaterThan(1e-3);
    expect(first / last).toBeLessThan(10);
  });
});

describe("GradientFlowRecorder", () => {
  it("reports every layer and direction, in order, from your own backward pass", () => {
    const model = new Recurrent(createCell(lstm, { hidden: 3 }), {
      inputSize: 2,
      numLayers: 2,
      bidirectional: true,
    });
    const input = new Generator(1).normal([5, 2, 2]);
    const recorder = new GradientFlowRecorder({ part: "c" });
    const { output } = model.forward(input, { onStep: recorder.onStep });
    backward(sum(output));
    const points = recorder.points();
    recorder.dispose();
    expect(recorder.part).toBe("c");
    expect(points.map((p) => `${p.layer}${p.direction}${p.t}`)).toEqual(
      [0, 1].flatMap((l) => [0, 1].flatMap((d) => [0, 1, 2, 3, 4].map((t) => `${l}${d}${t}`))),
    );
    expect(points.every((p) => p.norm > 0)).toBe(true);
    expect(normsOverTime(points, 1, 1)).toHaveLength(5);
  });

  it("steps the gradient never reaches (truncated away) report 0", () => {
    const model = new Recurrent(createCell(rnn, { hidden: 4 }), { inputSize: 2 });
    const input = new Generator(2).normal([9, 1, 2]);
    const { points } = gradientFlow(model, input, ({ output }) => sum(slice(output, [8], [9])), {
      truncate: 3,
    });
    // Segments [0, 3), [3, 6), [6, 9): only the last one reaches back from t = 8.
    const norms = normsOverTime(points);
    expect(norms.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(norms.slice(6).every((n) => n > 0)).toBe(true);
  });

  it("names the parts when asked for one the cell lacks", () => {
    const model = new Recurrent(createCell(rnn, { hidden: 2 }), { inputSize: 1 });
    expect(() =>
      gradientFlow(model, new Generator(0).normal([2, 1, 1]), ({ output }) => sum(output), {
        part: "c",
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: gradientFlow: the cell's state has no part "c"; its parts are "h"]`,
    );
  });
});
