/**
 * The `ar` cell on d2l's experiment: a noisy sine x_t = sin(0.01 t) + ε,
 * ε ~ N(0, 0.2²), T = 1000, the last τ = 4 values → a 4-10-1 MLP (the ar
 * cell's 4→10 layer and a Linear 10→1 head). Trained on the first 600
 * windows, its one-step-ahead error on the rest must sit near the noise
 * floor (0.04), far below the variance of the series.
 */
import { backward, noGrad } from "@recurrent/autograd";
import { mseLoss } from "@recurrent/nn";
import { Generator, reshape, slice, type Tensor, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createCell } from "../cell.js";
import { SequenceModel } from "../sequence-model.js";
import { adam, expectClose } from "../testing/helpers.js";
import { ar } from "./ar.js";

const [T, tau, trainCount] = [1000, 4, 600];
const g = new Generator(0);
const series = Array.from({ length: T }, (_, t) => Math.sin(0.01 * (t + 1)) + 0.2 * g.nextNormal());
const mean = series.reduce((a, b) => a + b, 0) / T;
const variance = series.reduce((a, b) => a + (b - mean) ** 2, 0) / T;

/** Windows as τ-step sequences [τ, N, 1] (x_{t−τ} … x_{t−1}) and their labels x_t [N, 1]. */
function windows(from: number, to: number): { x: Tensor; y: Tensor } {
  const n = to - from;
  const x = new Float32Array(tau * n);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < tau; s++) x[s * n + i] = series[from + i - tau + s] as number;
  return {
    x: tensor(x, { shape: [tau, n, 1] }),
    y: tensor(series.slice(from, to), { shape: [n, 1] }),
  };
}

/** The model's prediction after the last step of each window: [N, 1]. */
function lastStep(output: Tensor): Tensor {
  const [steps, n] = output.shape as [number, number];
  return reshape(slice(output, [steps - 1], [steps]), [n, 1]);
}

describe("ar on d2l's noisy sine (τ = 4, 4-10-1 MLP)", () => {
  const model = new SequenceModel(createCell(ar, { tau, hidden: 10 }), {
    input: { kind: "features", size: 1 },
    outputSize: 1,
    seed: 1,
  });
  const train = windows(tau, tau + trainCount);
  const test = windows(tau + trainCount, T);

  it("learns: one-step MSE on held-out steps far below the series' variance", () => {
    const step = adam(model.parameters(), 0.1);
    for (let i = 0; i < 50; i++) {
      model.zeroGrad();
      backward(mseLoss(lastStep(model.forward(train.x).output), train.y));
      step();
    }
    const mse = noGrad(() => mseLoss(lastStep(model.forward(test.x).output), test.y).item());
    // Variance ≈ 0.48; the noise alone costs 0.04; measured ≈ 0.046 after 50 full-batch Adam steps.
    expect(variance).toBeGreaterThan(0.3);
    expect(mse).toBeLessThan(0.06);
    expect(mse).toBeLessThan(variance / 5);
  });

  it("run over the whole series, its window state gives the same one-step predictions", () => {
    const whole = noGrad(() => model.forward(tensor(series, { shape: [T, 1, 1] })).output);
    // Step t's output predicts x_{t+1} from x_{t−3} … x_t: the windows' predictions for t + 1 ≥ τ.
    const fromWhole = slice(reshape(whole, [T]), [tau - 1], [T - 1]);
    const all = windows(tau, T);
    const fromWindows = noGrad(() => lastStep(model.forward(all.x).output));
    expectClose(fromWhole, reshape(fromWindows, [T - tau]), { rtol: 1e-5, atol: 1e-6 }); // float32
  });
});
