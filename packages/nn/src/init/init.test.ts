import { createRegistry } from "@recurrent/registry";
import {
  Generator,
  getBackend,
  matMul,
  type Tensor,
  tensor,
  tidy,
  transpose,
} from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { nnPlugin } from "../plugin.js";
import { readFixture } from "../testing/helpers.js";
import { calculateGain, computeFans } from "./fan.js";
import { forgetGateBias, setForgetGateBias } from "./forget-gate.js";
import type { Initializer } from "./initializers.js";
import { orthogonal, orthogonalQ } from "./orthogonal.js";

const registry = createRegistry().use(nnPlugin);

function stats(t: Tensor) {
  const v = Array.from(t.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v), n: v.length };
}

/** max |MᵀM − I| (or |MMᵀ − I| for a wide M) in float64 */
function orthogonalityError(w: Tensor): number {
  const [r, c] = [w.shape[0] as number, w.size / (w.shape[0] as number)];
  const m = tensor(Float64Array.from(w.data()), { shape: [r, c], dtype: "float64" });
  const g = r < c ? matMul(m, m, { transposeB: true }) : matMul(m, m, { transposeA: true });
  const n = g.shape[0] as number;
  const d = g.data();
  let err = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      err = Math.max(err, Math.abs((d[i * n + j] as number) - (i === j ? 1 : 0)));
  return err;
}

describe("fans and gains (PyTorch's)", () => {
  it("computes fan-in and fan-out with receptive fields", () => {
    expect(computeFans([256, 64])).toEqual({ fanIn: 64, fanOut: 256 });
    expect(computeFans([8, 3, 5, 2])).toEqual({ fanIn: 30, fanOut: 80 });
    expect(() => computeFans([5])).toThrowErrorMatchingInlineSnapshot(
      `[NnError: computeFans: expected a shape of at least 2 dimensions to compute fan-in and fan-out, got [5]]`,
    );
  });

  it("gives torch.nn.init.calculate_gain's values", () => {
    expect(calculateGain("linear")).toBe(1);
    expect(calculateGain("sigmoid")).toBe(1);
    expect(calculateGain("tanh")).toBe(5 / 3);
    expect(calculateGain("relu")).toBe(Math.sqrt(2));
    expect(calculateGain("leaky_relu")).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(calculateGain("leaky_relu", 0)).toBe(Math.sqrt(2));
    expect(calculateGain("selu")).toBe(0.75);
  });
});

describe("initialisers through the registry: bounds and moments", () => {
  const shape = [200, 300]; // fanIn 300, fanOut 200; 60000 samples
  const make = (name: string, config: Record<string, unknown> = {}) =>
    registry.create("initializer", name, config as never) as Initializer;
  // For n = 60000 samples the sample std is within ~1% of the true one (4σ ≈ 4·σ/√(2n));
  // the mean within 4σ/√n.
  it.each([
    ["uniform", { low: -2, high: 1 }, { bound: [-2, 1], mean: -0.5, std: 3 / Math.sqrt(12) }],
    ["normal", { mean: 0.5, std: 2 }, { mean: 0.5, std: 2 }],
    [
      "recurrent-default",
      { hidden: 64 },
      { bound: [-1 / 8, 1 / 8], mean: 0, std: 1 / 8 / Math.sqrt(3) },
    ],
    [
      "xavier-uniform",
      { gain: 2 },
      {
        bound: [-2 * Math.sqrt(6 / 500), 2 * Math.sqrt(6 / 500)],
        mean: 0,
        std: 2 * Math.sqrt(2 / 500),
      },
    ],
    ["xavier-normal", {}, { mean: 0, std: Math.sqrt(2 / 500) }],
    [
      "kaiming-uniform",
      {},
      { bound: [-Math.sqrt(6 / 300), Math.sqrt(6 / 300)], mean: 0, std: Math.sqrt(2 / 300) },
    ],
    [
      "kaiming-uniform",
      { a: Math.sqrt(5) },
      { bound: [-1 / Math.sqrt(300), 1 / Math.sqrt(300)], mean: 0, std: 1 / Math.sqrt(900) },
    ],
    [
      "kaiming-normal",
      { mode: "fan_out", nonlinearity: "tanh" },
      { mean: 0, std: 5 / 3 / Math.sqrt(200) },
    ],
  ] as const)("%s %j", (name, config, expected) => {
    const s = stats(make(name, config)(shape, new Generator(17)));
    if ("bound" in expected) {
      expect(s.min).toBeGreaterThanOrEqual(Math.fround(expected.bound[0]));
      expect(s.max).toBeLessThanOrEqual(Math.fround(expected.bound[1]));
      // and it fills the range: the extremes are within 0.1% of it
      expect(s.max - s.min).toBeGreaterThan(0.999 * (expected.bound[1] - expected.bound[0]));
    }
    expect(Math.abs(s.mean - expected.mean)).toBeLessThan((4 * expected.std) / Math.sqrt(s.n));
    expect(Math.abs(s.std - expected.std) / expected.std).toBeLessThan(0.012);
  });

  it("zeros, constant and dtype", () => {
    expect(Array.from(make("zeros")([2, 2], new Generator(0)).data())).toEqual([0, 0, 0, 0]);
    const c = make("constant", { value: 0.25 })([3], new Generator(0), "float64");
    expect(c.dtype).toBe("float64");
    expect(Array.from(c.data())).toEqual([0.25, 0.25, 0.25]);
  });

  it("is deterministic for a seed", () => {
    const a = make("xavier-normal")([4, 4], new Generator(3));
    const b = make("xavier-normal")([4, 4], new Generator(3));
    expect(Array.from(a.data())).toEqual(Array.from(b.data()));
  });

  it("bad configs fail before anything is drawn", () => {
    expect(() =>
      registry.create("initializer", "kaiming-normal", { mode: "fan_avg" } as never),
    ).toThrow(/mode: expected one of "fan_in", "fan_out", got "fan_avg"/);
    expect(() => registry.create("initializer", "recurrent-default", {} as never)).toThrow(
      /hidden: expected number/,
    );
  });
});

describe("orthogonal", () => {
  it.each([[[6, 4]], [[4, 6]], [[16, 16]], [[8, 2, 3]], [[100, 37]], [[3, 100]]])(
    "has orthonormal rows or columns for %j (‖QᵀQ − I‖max < 1e-6 in float32, 1e-13 in float64)",
    (shape) => {
      expect(orthogonalityError(orthogonal()(shape, new Generator(1), "float64"))).toBeLessThan(
        1e-13,
      );
      expect(orthogonalityError(orthogonal()(shape, new Generator(1)))).toBeLessThan(1e-6);
    },
  );

  it("scales by gain", () => {
    const q = orthogonal({ gain: 2 })([5, 5], new Generator(2), "float64");
    const m = matMul(q, transpose(q));
    expect(Math.abs((m.data()[0] as number) - 4)).toBeLessThan(1e-12);
  });

  it("has the moments of a Haar-distributed matrix: entries mean 0, variance 1/n", () => {
    const n = 256;
    const s = stats(orthogonal()([n, n], new Generator(5), "float64"));
    expect(Math.abs(s.mean)).toBeLessThan(4 / n / Math.sqrt(n)); // std of the mean ≈ 1/(n·√n)
    expect(Math.abs(s.std * Math.sqrt(n) - 1)).toBeLessThan(0.01);
  });

  it("computes PyTorch's QR and sign correction for given matrices (fixture, 1e-12 absolute in float64)", () => {
    const cases = readFixture<{ matrix: number[][]; q: number[][] }[]>("orthogonal.json");
    for (const { matrix, q } of cases) {
      const a = tensor(matrix, { dtype: "float64" });
      const wide = matrix.length < (matrix[0] as number[]).length;
      const got = wide ? transpose(orthogonalQ(transpose(a))) : orthogonalQ(a);
      const expected = q.flat();
      const values = Array.from(got.data());
      for (let i = 0; i < expected.length; i++) {
        expect(
          Math.abs((values[i] as number) - (expected[i] as number)),
          `flat index ${i}`,
        ).toBeLessThan(1e-12);
      }
    }
  });

  it("handles a 1024×4096 weight without leaking memory and in bounded time", () => {
    const before = getBackend().memory().liveBytes;
    const started = performance.now();
    const w = orthogonal()([1024, 4096], new Generator(7));
    const seconds = (performance.now() - started) / 1000;
    expect(w.shape).toEqual([1024, 4096]);
    expect(tidy(() => orthogonalityError(w))).toBeLessThan(1e-5);
    w.dispose();
    // Everything the factorisation allocated is freed again (the backend's live bytes return).
    expect(getBackend().memory().liveBytes - before).toBeLessThan(1024 * 1024);
    // About 1.5 s of CPU on this machine (first call, JIT included; see the README). The wall-clock
    // bound leaves room for a CI machine shared with other test workers; it catches a regression
    // to unblocked scalar loops, not a small slowdown.
    expect(seconds).toBeLessThan(30);
  });
});

describe("forget-gate bias", () => {
  it("sets the second quarter (gate order i, f, g, o) in place", () => {
    const bias = tensor([1, 1, 2, 2, 3, 3, 4, 4]);
    setForgetGateBias(bias, 5);
    expect(Array.from(bias.data())).toEqual([1, 1, 5, 5, 3, 3, 4, 4]);
    const init = registry.create("initializer", "lstm-forget-bias", {}) as Initializer;
    expect(Array.from(init([12], new Generator(0)).data())).toEqual([
      0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    ]);
    const over = forgetGateBias({ value: 2, base: orthogonal() as Initializer });
    expect(() => over([6], new Generator(0))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: forgetGateBias: expected an LSTM bias [4·hidden] (gates i, f, g, o), got [6]]`,
    );
  });

  it("adds to the base's forget quarter with add (the built-in lstm's forgetBias)", () => {
    const base: Initializer = (shape) => tensor([1, 2, 3, 4, 5, 6, 7, 8].slice(0, shape[0]));
    const init = forgetGateBias({ value: 0.5, add: true, base });
    expect(Array.from(init([8], new Generator(0)).data())).toEqual([1, 2, 3.5, 4.5, 5, 6, 7, 8]);
    const viaEntry = registry.create("initializer", "lstm-forget-bias", { value: 0.5, add: true });
    expect(Array.from((viaEntry as Initializer)([4], new Generator(0)).data())).toEqual([
      0, 0.5, 0, 0,
    ]);
  });
});
