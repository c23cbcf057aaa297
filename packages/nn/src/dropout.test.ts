import { backward, gradcheck } from "@recurrent/autograd";
import { Generator, ones, sum, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { Dropout, dropout } from "./dropout.js";

describe("Dropout", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const x = ones([1000]);
    const run = (seed: number) =>
      Array.from(new Dropout(0.3, { generator: new Generator(seed) }).forward(x).data());
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it("zeroes about p of the elements and scales the rest by exactly 1/(1−p)", () => {
    const p = 0.25;
    const drop = new Dropout(p, { generator: new Generator(11) });
    const x = tensor(
      Array.from({ length: 20000 }, (_, i) => (i % 7) - 3.5),
      { dtype: "float64" },
    );
    const y = drop.forward(x).data();
    const xs = x.data();
    let zeros = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] === 0) zeros++;
      else expect(y[i]).toBe((xs[i] as number) * (1 / (1 - p)));
    }
    // binomial(20000, 0.25): std ≈ 61, so 4σ ≈ 245
    expect(Math.abs(zeros - 5000)).toBeLessThan(245);
  });

  it("is the identity in eval mode and for p = 0; p = 1 zeroes everything", () => {
    const x = tensor([1, 2, 3]);
    const drop = new Dropout(0.9, { generator: new Generator(0) });
    drop.eval();
    expect(drop.forward(x)).toBe(x);
    expect(dropout(x, 0, new Generator(0))).toBe(x);
    expect(Array.from(dropout(x, 1, new Generator(0)).data())).toEqual([0, 0, 0]);
  });

  it("sends gradients only through kept elements, scaled (gradcheck with a fixed seed)", () => {
    const g = new Generator(3);
    gradcheck(
      (x) => {
        g.seed(3); // the same mask at every evaluation
        return dropout(x, 0.4, g);
      },
      [new Generator(9).normal([4, 5], 0, 1, "float64")],
    );
    const x = tensor([1, 1, 1, 1, 1, 1], { dtype: "float64" });
    x.requiresGrad = true;
    const y = dropout(x, 0.5, new Generator(2));
    backward(sum(y));
    expect(Array.from(x.grad?.data() ?? [])).toEqual(Array.from(y.data())); // dy/dx = mask = y / x
  });

  it("rejects p outside [0, 1]", () => {
    expect(
      () => new Dropout(1.5, { generator: new Generator(0) }),
    ).toThrowErrorMatchingInlineSnapshot(`[NnError: Dropout: p must be in [0, 1], got 1.5]`);
  });
});
