import { gradcheck } from "@recurrent/autograd";
import { Generator, tensor, transpose } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { Linear, linear } from "./linear.js";
import { gradcheckParameters } from "./testing/helpers.js";

const f64 = (g: Generator, shape: number[]) => g.normal(shape, 0, 1, "float64");

describe("Linear", () => {
  it("computes x·Wᵀ + b with W stored [out, in] (checked by hand)", () => {
    const layer = new Linear(2, 3, { generator: new Generator(0) });
    layer.weight.assign(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    layer.bias?.assign(tensor([0.5, -1, 0]));
    // [1, -1]·Wᵀ = [1−2, 3−4, 5−6] = [−1, −1, −1]; + b
    expect(layer.forward(tensor([[1, -1]])).toArray()).toEqual([[-0.5, -2, -1]]);
    // any number of leading axes, and a single vector
    expect(layer.forward(tensor([[[1, -1]], [[0, 1]]])).toArray()).toEqual([
      [[-0.5, -2, -1]],
      [[2.5, 3, 6]],
    ]);
    expect(layer.forward(tensor([0, 1])).toArray()).toEqual([2.5, 3, 6]);
  });

  it("initialises W and b uniformly within ±1/√in, as PyTorch", () => {
    const layer = new Linear(64, 32, { generator: new Generator(5) });
    const bound = 1 / Math.sqrt(64);
    for (const p of layer.parameters()) {
      const v = Array.from(p.data());
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
      // U(−b, b) has std b/√3; with 2048 samples the estimate is within ~5% (3σ)
      if (v.length > 1000) {
        const std = Math.sqrt(v.reduce((s, x) => s + x * x, 0) / v.length);
        expect(Math.abs(std - bound / Math.sqrt(3)) / (bound / Math.sqrt(3))).toBeLessThan(0.05);
      }
    }
    expect(new Linear(3, 2, { generator: new Generator(0), bias: false }).bias).toBeNull();
  });

  it("passes gradcheck in float64 for input, weight and bias (functional form)", () => {
    const g = new Generator(1);
    const result = gradcheck(
      (x, w, b) => linear(x, w, b),
      [f64(g, [2, 3, 4]), f64(g, [5, 4]), f64(g, [5])],
    );
    expect(result.checked).toBe(24 + 20 + 5);
    gradcheck((x, w) => linear(x, w), [transpose(f64(g, [4, 3])), f64(g, [2, 4])]);
  });

  it("passes a finite-difference check of its own parameters", () => {
    const g = new Generator(2);
    const layer = new Linear(3, 4, { generator: g, dtype: "float64" });
    const x = f64(g, [5, 3]);
    expect(gradcheckParameters(layer, () => layer.forward(x)).checked).toBe(16);
  });

  it("names shapes in its errors", () => {
    const layer = new Linear(4, 3, { generator: new Generator(0) });
    expect(() => layer.forward(tensor([[1, 2]]))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: linear: input must be [..., 4] for weight [3,4], got [1,2]]`,
    );
    expect(() =>
      layer.forward(tensor([[1, 2, 3, 4]], { dtype: "float64" })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: linear: input must be float32 like the weight, got float64]`,
    );
    expect(
      () => new Linear(-1, 3, { generator: new Generator(0) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Linear: inFeatures must be an integer >= 0, got -1]`,
    );
  });
});
