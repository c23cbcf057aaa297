// Clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (fixtures/clip.json, float64
// in torch), on tensors in place and as pure transforms for chain.
import { readFileSync } from "node:fs";
import { type Tensor, tensor, transpose, zeros } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { chain } from "./chain.js";
import { clipGradNorm, clipGradValue, gradNorm } from "./clip.js";
import { clipByGlobalNorm, clipByValue } from "./clip-transforms.js";
import type { OptimError } from "./errors.js";
import { sgd } from "./sgd.js";

interface ClipFixture {
  grads: (number[] | number[][])[];
  norm: {
    normType: number | "Infinity";
    maxNorm: number;
    totalNorm: number;
    grads: (number[] | number[][])[];
  }[];
  value: { clipValue: number; grads: (number[] | number[][])[] }[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/clip.json", import.meta.url), "utf8"),
) as ClipFixture;

const normTypeOf = (n: number | "Infinity") => (n === "Infinity" ? Number.POSITIVE_INFINITY : n);

/** Parameters whose gradients are the fixture's, in `dtype`. */
function paramsWithGrads(dtype: "float32" | "float64"): [string, Tensor][] {
  return fixture.grads.map((g, i) => {
    const p = zeros(tensor(g).shape, dtype);
    p.grad = tensor(g, { dtype });
    return [`p${i}`, p];
  });
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], rtol: number): void {
  expected.forEach((e, i) => {
    expect(Math.abs((actual[i] as number) - e), `element ${i}`).toBeLessThanOrEqual(
      rtol * Math.abs(e),
    );
  });
}

describe("clipGradNorm matches torch.nn.utils.clip_grad_norm_", () => {
  describe.each(["float64", "float32"] as const)("%s gradients", (dtype) => {
    // tolerance: 1e-12 relative in float64, 1e-6 relative in float32 (each gradient rounded once)
    const rtol = dtype === "float64" ? 1e-12 : 1e-6;
    it.each(fixture.norm.map((c) => [`normType ${c.normType}, maxNorm ${c.maxNorm}`, c] as const))(
      "%s",
      (_, c) => {
        const params = paramsWithGrads(dtype);
        const total = clipGradNorm(params, c.maxNorm, { normType: normTypeOf(c.normType) });
        expect(Math.abs(total - c.totalNorm)).toBeLessThanOrEqual(rtol * c.totalNorm);
        params.forEach(([, p], i) => {
          expectClose((p.grad as Tensor).data(), (c.grads[i] as number[]).flat(), rtol);
        });
      },
    );
  });

  it("skips parameters without gradients, returns 0 when none has one, and accepts plain tensors", () => {
    const [a, b] = [zeros([2]), zeros([2])];
    expect(clipGradNorm([a, b], 1)).toBe(0);
    b.grad = tensor([3, 4]);
    expect(clipGradNorm([a, b], 1)).toBe(5);
    expect(a.grad).toBeNull();
    expectClose((b.grad as Tensor).data(), [3 / (5 + 1e-6), 4 / (5 + 1e-6)], 1e-6);
  });

  it("gradNorm measures what clipGradNorm would, and changes nothing", () => {
    const [a, b, c] = [zeros([2]), zeros([3]), zeros([1])];
    expect(gradNorm([a, b, c])).toBe(0);
    a.grad = tensor([1, 2]);
    b.grad = tensor([2, 0, 4]);
    expect(gradNorm([a, b, c])).toBeCloseTo(5, 6); // √(1 + 4 + 4 + 16)
    expect(gradNorm([a, b], Number.POSITIVE_INFINITY)).toBe(4);
    expect([...(b.grad as Tensor).data()]).toEqual([2, 0, 4]);
    expect(gradNorm([a, b])).toBeCloseTo(clipGradNorm([a, b], 100), 6);
  });

  it("leaves gradients alone when the norm is under maxNorm (coefficient ≥ 1)", () => {
    const p = zeros([2], "float64");
    p.grad = tensor([0.3, 0.4], { dtype: "float64" });
    expect(clipGradNorm(p, 0.6)).toBeCloseTo(0.5, 15);
    expect([...(p.grad as Tensor).data()]).toEqual([0.3, 0.4]);
    // at exactly maxNorm the coefficient is 0.5 / (0.5 + 1e-6) < 1, so torch (and we) still scale
    clipGradNorm(p, 0.5);
    expect((p.grad as Tensor).data()[0]).toBe(0.3 * (0.5 / (0.5 + 1e-6)));
  });

  it("refuses a non-finite norm when errorIfNonfinite is set, and scales by it otherwise (as torch)", () => {
    const p = zeros([2]);
    p.grad = tensor([Number.POSITIVE_INFINITY, 1]);
    expect(() =>
      clipGradNorm([["w", p]], 1, { errorIfNonfinite: true }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: clipGradNorm: the total norm of order 2 of the gradients is Infinity, so it cannot be clipped; find where it came from (setDebug({ checkFinite: true }) in @recurrent/autograd names the op), or pass errorIfNonfinite: false to scale by it anyway]`,
    );
    expect([...(p.grad as Tensor).data()]).toEqual([Number.POSITIVE_INFINITY, 1]);
    const q = zeros([2]);
    q.grad = tensor([Number.NaN, 1]);
    expect(Number.isNaN(clipGradNorm(q, 1))).toBe(true);
    expect([...(q.grad as Tensor).data()].every(Number.isNaN)).toBe(true);
    try {
      clipGradNorm(q, 1, { errorIfNonfinite: true });
    } catch (error) {
      expect((error as OptimError).code).toBe("NON_FINITE_NORM");
    }
  });

  it("replaces a strided gradient by a contiguous scaled copy instead of writing shared storage", () => {
    const base = tensor([
      [3, 0],
      [4, 0],
    ]);
    const p = zeros([2, 2]);
    p.grad = transpose(base, 0, 1); // a view: [[3, 4], [0, 0]]
    expect(clipGradNorm(p, 1)).toBe(5);
    expect((p.grad as Tensor).isContiguous).toBe(true);
    expectClose((p.grad as Tensor).data(), [3 / 5, 4 / 5, 0, 0], 1e-6);
    expect(base.toArray()).toEqual([
      [3, 0],
      [4, 0],
    ]);
  });
});

describe("clipGradValue matches torch.nn.utils.clip_grad_value_", () => {
  it.each(fixture.value.map((c) => [c.clipValue, c] as const))("clipValue %s", (_, c) => {
    const params = paramsWithGrads("float64");
    clipGradValue(params, c.clipValue);
    params.forEach(([, p], i) => {
      // exact: a clamp does no arithmetic
      expect([...(p.grad as Tensor).data()]).toEqual((c.grads[i] as number[]).flat());
    });
  });

  it("keeps NaN", () => {
    const p = zeros([2]);
    p.grad = tensor([Number.NaN, 7]);
    clipGradValue(p, 1);
    expect([...(p.grad as Tensor).data()]).toEqual([Number.NaN, 1]);
  });
});

describe("clipping transforms", () => {
  const grads = () =>
    Object.fromEntries(
      fixture.grads.map((g, i) => [`p${i}`, Float64Array.from((g as number[]).flat())]),
    );

  it.each(fixture.norm.map((c) => [`normType ${c.normType}, maxNorm ${c.maxNorm}`, c] as const))(
    "clipByGlobalNorm: %s, as clip_grad_norm_",
    (_, c) => {
      const tx = clipByGlobalNorm({ maxNorm: c.maxNorm, normType: normTypeOf(c.normType) });
      const input = grads();
      const { updates, state } = tx.update(input, tx.init(input), input);
      expect(state).toBeNull();
      fixture.grads.forEach((_, i) => {
        // tolerance: 1e-12 relative (float64 both sides)
        expectClose(updates[`p${i}`] as Float64Array, (c.grads[i] as number[]).flat(), 1e-12);
      });
      expect(input).toEqual(grads()); // pure: the input is untouched
    },
  );

  it.each(fixture.value.map((c) => [c.clipValue, c] as const))(
    "clipByValue %s, as clip_grad_value_",
    (_, c) => {
      const tx = clipByValue({ clipValue: c.clipValue });
      const input = grads();
      const { updates } = tx.update(input, null, input);
      fixture.grads.forEach((_, i) => {
        expect([...(updates[`p${i}`] as Float64Array)]).toEqual((c.grads[i] as number[]).flat());
      });
    },
  );

  it("chain(clipByGlobalNorm, sgd) equals clipping then SGD, and takes a maxNorm override", () => {
    const tx = chain(clipByGlobalNorm({ maxNorm: 1 }), sgd({ lr: 0.5 }));
    expect(tx.name).toBe("chain(clipByGlobalNorm, sgd)");
    expect(tx.hyper.maxNorm).toBe(1);
    expect(tx.hyper.lr).toBe(0.5);
    const params = { w: new Float64Array([1, 1]) };
    const grads = { w: new Float64Array([3, 4]) };
    const { updates } = tx.update(grads, tx.init(params), params);
    const c = 1 / (5 + 1e-6);
    expect([...(updates.w as Float64Array)]).toEqual([-0.5 * (3 * c), -0.5 * (4 * c)]);
    const looser = tx.update(grads, tx.init(params), params, { maxNorm: 10, lr: 0.1 });
    expect([...(looser.updates.w as Float64Array)]).toEqual([-0.1 * 3, -0.1 * 4]);
  });
});

describe("clipping errors", () => {
  it("pins the messages", () => {
    const p = zeros([1]);
    expect(() => clipGradNorm(p, -1)).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: clipGradNorm: maxNorm must be >= 0, got -1]`,
    );
    expect(() => clipGradNorm(p, 1, { normType: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: clipGradNorm: normType must be > 0 (Infinity for the max norm), got 0]`,
    );
    expect(() => clipGradValue(p, Number.NaN)).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: clipGradValue: clipValue must be >= 0, got NaN]`,
    );
    expect(() =>
      clipByGlobalNorm({ maxNorm: -2, normType: -1 }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [OptimError: clipByGlobalNorm: 2 invalid hyper-parameters:
        - maxNorm must be >= 0, got -2
        - normType must be > 0 (Infinity for the max norm), got -1]
    `);
    expect(() => clipGradNorm([5 as unknown as Tensor], 1)).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: clipGradNorm: parameter 0 must be a tensor or a [name, tensor] pair, got number]`,
    );
  });
});
