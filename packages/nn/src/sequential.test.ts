import { Generator, tanh, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { Dropout } from "./dropout.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Sequential } from "./sequential.js";
import { gradcheckParameters } from "./testing/helpers.js";

describe("Sequential", () => {
  it("chains modules and functions, naming modules by their index as PyTorch", () => {
    const g = new Generator(0);
    const mlp = new Sequential(
      new Linear(3, 4, { generator: g }),
      tanh,
      new Linear(4, 2, { generator: g }),
    );
    expect(Object.keys(mlp.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(mlp.length).toBe(3);
    const x = tensor([[1, -2, 0.5]]);
    const [l0, , l2] = mlp.layers as [Linear, unknown, Linear];
    expect(Array.from(mlp.forward(x).data())).toEqual(
      Array.from(l2.forward(tanh(l0.forward(x))).data()),
    );
  });

  it("propagates eval() to its layers", () => {
    const drop = new Dropout(0.5, { generator: new Generator(0) });
    const seq = new Sequential(drop);
    seq.eval();
    const x = tensor([1, 2]);
    expect(seq.forward(x)).toBe(x);
  });

  it("passes a finite-difference check through the whole stack", () => {
    const g = new Generator(1);
    const mlp = new Sequential(
      new Linear(3, 4, { generator: g, dtype: "float64" }),
      tanh,
      new Linear(4, 2, { generator: g, dtype: "float64" }),
    );
    const x = g.normal([5, 3], 0, 1, "float64");
    expect(gradcheckParameters(mlp, () => mlp.forward(x)).checked).toBe(16 + 10);
  });

  it("refuses a module without forward", () => {
    expect(() => new Sequential(new Module() as never)).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Sequential: layer 0 (Module) must have forward(x), got none]`,
    );
  });
});
