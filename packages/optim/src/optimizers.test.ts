// Trajectories of every optimizer against PyTorch 1.13: fixtures/optimizers.json holds, for each
// optimizer and setting, the parameters after each of 20 steps on a tiny linear regression,
// computed in float64 by scripts/torch_optim_fixtures.py from the same starting values.
import { readFileSync } from "node:fs";
import { backward } from "@recurrent/autograd";
import { add, matMul, mean, square, sub, type Tensor, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { Optimizer } from "./optimizer.js";
import { rmsprop } from "./rmsprop.js";
import { sgd } from "./sgd.js";
import { applyUpdates, type NamedArrays, type Transform } from "./transform.js";

interface Fixture {
  problem: { x: number[][]; y: number[][]; w: number[][]; b: number[] };
  cases: {
    optimizer: string;
    options: Record<string, unknown>;
    steps: { w: number[][]; b: number[] }[];
  }[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/optimizers.json", import.meta.url), "utf8"),
) as Fixture;

// biome-ignore lint/suspicious/noExplicitAny: options come from JSON
const factories: Record<string, (options: any) => Transform<unknown, object>> = {
  sgd,
  adam,
  adamw,
  rmsprop,
  adagrad,
};

/** Largest |actual − expected| / max(|expected|, floor) over all elements (elementwise relative). */
function relativeError(
  actual: ArrayLike<number>,
  expected: readonly number[],
  floor: number,
): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    worst = Math.max(worst, Math.abs((actual[i] as number) - e) / Math.max(Math.abs(e), floor));
  }
  return worst;
}

/**
 * max |actual − expected| / max |expected| (relative to the tensor's scale). Float32 runs use
 * this: an element passing near zero has no meaningful elementwise relative error in float32
 * (PyTorch's own float32 run differs from its float64 one by up to 8e-5 elementwise on these
 * cases, but by at most 3e-7 relative to the tensor's scale).
 */
function scaledError(actual: ArrayLike<number>, expected: readonly number[]): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

const { x: X, y: Y } = fixture.problem;
const rows = X.length;
const inputs = (X[0] as number[]).length;
const outputs = (Y[0] as number[]).length;

/** ∂/∂(w, b) of mean((x·w + b − y)²), in float64, by hand. */
function gradients(
  w: ArrayLike<number>,
  b: ArrayLike<number>,
): { w: Float64Array; b: Float64Array } {
  const gw = new Float64Array(inputs * outputs);
  const gb = new Float64Array(outputs);
  const scale = 2 / (rows * outputs);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outputs; o++) {
      let p = b[o] as number;
      for (let i = 0; i < inputs; i++) p += (X[r]?.[i] as number) * (w[i * outputs + o] as number);
      const d = scale * (p - (Y[r]?.[o] as number));
      gb[o] = (gb[o] as number) + d;
      for (let i = 0; i < inputs; i++)
        gw[i * outputs + o] = (gw[i * outputs + o] as number) + d * (X[r]?.[i] as number);
    }
  }
  return { w: gw, b: gb };
}

const label = (c: Fixture["cases"][number]) => `${c.optimizer}(${JSON.stringify(c.options)})`;

describe.each(fixture.cases.map((c) => [label(c), c] as const))(
  "%s matches torch.optim",
  (_, c) => {
    const make = factories[c.optimizer] as (options: unknown) => Transform<unknown, object>;

    it("pure core, float64: every step within 1e-12 relative", () => {
      const tx = make(c.options);
      let params: NamedArrays = {
        w: Float64Array.from(fixture.problem.w.flat()),
        b: Float64Array.from(fixture.problem.b),
      };
      let state = tx.init(params);
      c.steps.forEach((expected, k) => {
        const grads = gradients(params.w as Float64Array, params.b as Float64Array);
        const result = tx.update(grads, state, params);
        state = result.state;
        params = applyUpdates(params, result.updates);
        // tolerance: 1e-12 relative (float64 on both sides; only rounding order differs)
        expect(
          relativeError(params.w as Float64Array, expected.w.flat(), 1e-3),
          `w at step ${k + 1}`,
        ).toBeLessThan(1e-12);
        expect(
          relativeError(params.b as Float64Array, expected.b, 1e-3),
          `b at step ${k + 1}`,
        ).toBeLessThan(1e-12);
      });
    });

    it("Optimizer, float32 parameters, gradients from the float64 formula: 1e-5 relative to scale", () => {
      const w = tensor(fixture.problem.w);
      const b = tensor(fixture.problem.b);
      const optimizer = new Optimizer({ w, b }, make(c.options));
      c.steps.forEach((expected, k) => {
        const g = gradients(w.data(), b.data());
        w.grad = tensor(Float32Array.from(g.w), { shape: w.shape });
        b.grad = tensor(Float32Array.from(g.b), { shape: b.shape });
        optimizer.step();
        // tolerance: 1e-5 relative to each tensor's scale (scaledError), float32 against float64
        expect(scaledError(w.data(), expected.w.flat()), `w at step ${k + 1}`).toBeLessThan(1e-5);
        expect(scaledError(b.data(), expected.b), `b at step ${k + 1}`).toBeLessThan(1e-5);
      });
    });

    it.each(["float64", "float32"] as const)("Optimizer with autograd's gradients, %s", (dtype) => {
      const x = tensor(X, { dtype });
      const y = tensor(Y, { dtype });
      const w = tensor(fixture.problem.w, { dtype });
      const b = tensor(fixture.problem.b, { dtype });
      w.requiresGrad = true;
      b.requiresGrad = true;
      const optimizer = new Optimizer(
        [
          ["w", w],
          ["b", b],
        ] as [string, Tensor][],
        make(c.options),
      );
      // tolerance: float64, 1e-10 elementwise relative (autograd sums in another order than torch);
      // float32, 1e-4 relative to scale: the gradient of b is a sum of residuals that cancel, so
      // float32 autograd carries ~1e-5 relative error into it, which adaptive methods then follow
      const error = (actual: ArrayLike<number>, expected: readonly number[]) =>
        dtype === "float32" ? scaledError(actual, expected) : relativeError(actual, expected, 1e-3);
      const tolerance = dtype === "float32" ? 1e-4 : 1e-10;
      c.steps.forEach((expected, k) => {
        optimizer.zeroGrad();
        backward(mean(square(sub(add(matMul(x, w), b), y))));
        optimizer.step();
        expect(error(w.data(), expected.w.flat()), `w at step ${k + 1}`).toBeLessThan(tolerance);
        expect(error(b.data(), expected.b), `b at step ${k + 1}`).toBeLessThan(tolerance);
      });
    });
  },
);

describe("adam's float32 fast path", () => {
  // The plain case (no decay, no AMSGrad, minimizing) runs a loop of its own; maximizing the
  // negated gradient takes the general loop through exactly the same arithmetic.
  it("equals the general loop bit for bit over many steps", () => {
    const n = 1000;
    const seeded = (seed: number) =>
      Float32Array.from(
        { length: n },
        (_, i) => Math.sin(seed * 7919 + i * 104729) * (1 + (i % 7)),
      );
    const plain = adam({ lr: 3e-3 });
    const general = adam({ lr: 3e-3, maximize: true });
    const params = { w: seeded(1) };
    let statePlain = plain.init(params);
    let stateGeneral = general.init(params);
    for (let step = 0; step < 50; step++) {
      const g = seeded(step + 2);
      const negated = g.map((x) => -x);
      const a = plain.updateInPlace?.({ w: g }, statePlain, params);
      const b = general.updateInPlace?.({ w: negated }, stateGeneral, params);
      if (a === undefined || b === undefined) throw new Error("adam has updateInPlace");
      expect(Array.from(a.updates.w as Float32Array)).toEqual(
        Array.from(b.updates.w as Float32Array),
      );
      statePlain = a.state;
      stateGeneral = b.state;
    }
  });

  it("in place, the update buffers are reused from step to step; the pure update is fresh", () => {
    const t = adam();
    const params = { w: new Float32Array([1, 2, 3]) };
    const state = t.init(params);
    const grads = { w: new Float32Array([0.1, -0.2, 0.3]) };
    const first = t.updateInPlace?.(grads, state, params)?.updates.w;
    const second = t.updateInPlace?.(grads, state, params)?.updates.w;
    expect(second).toBe(first);
    const pure = t.update(grads, state, params).updates.w;
    expect(pure).not.toBe(second);
  });
});
