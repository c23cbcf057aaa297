import { describe, expect, it } from "vitest";
import {
  expectClose,
  ref,
  refReduce,
  seeded,
  strided,
  sumOf,
  values,
} from "../testing/reference.js";
import {
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  reshape,
  sum,
  tensor,
  transpose,
  zeros,
} from "./index.js";

const NaN_ = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;

const maxOf = (v: number[]) =>
  v.reduce((m, x) => (Number.isNaN(m) || x > m || Number.isNaN(x) ? x : m), -Inf);
const minOf = (v: number[]) =>
  v.reduce((m, x) => (Number.isNaN(m) || x < m || Number.isNaN(x) ? x : m), Inf);
const prodOf = (v: number[]) => v.reduce((p, x) => p * x, 1);
const lseOf = (v: number[]) => {
  const m = Math.max(...v);
  return m + Math.log(sumOf(v.map((x) => Math.exp(x - m))));
};

/** Axis lists to reduce over for a rank-3 input, and whether to keep them. */
const axisCases: [number[] | undefined, boolean][] = [
  [undefined, false],
  [undefined, true],
  [[0], false],
  [[1], true],
  [[2], false],
  [[-1], false],
  [[0, 2], false],
  [[2, 0], true],
  [[0, 1, 2], false],
  [[], false],
];

/** Reductions: sum, prod, max, min, mean, logsumexp, norm, argmax/argmin; run per backend by ops.test.ts. */
export function reduceSuite(_backend: string): void {
  describe.each(axisCases)("over axes %j (keepDims %s)", (axes, keepDims) => {
    const shape = [3, 4, 5];
    const data = seeded(31, 60, -2, 2);
    const x64 = ref(shape, data);

    it.each([
      ["sum", sum, sumOf],
      ["prod", prod, prodOf],
      ["max", max, maxOf],
      ["min", min, minOf],
    ] as const)("%s", (op, f, g) => {
      const x = tensor(data, { shape });
      const expected = refReduce(x64, g, axes, keepDims);
      // float32 sums of ≤ 60 terms of size ≤ 2: well inside 1e-5 relative plus 1e-6.
      expectClose(f(x, axes, { keepDims }), expected, { rtol: 1e-5, atol: 1e-6, label: op });
      expectClose(f(strided(x), axes, { keepDims }), expected, { rtol: 1e-5, atol: 1e-6 });
      const d = tensor(data, { shape, dtype: "float64" });
      expectClose(f(d, axes, { keepDims }), expected, { rtol: 1e-13, atol: 1e-14 });
    });

    it("mean, logsumexp, norm (p = 1, 2, ∞)", () => {
      const x = tensor(data, { shape });
      const n = (axes ?? [0, 1, 2]).reduce((c, a) => c * (shape.at(a) as number), 1);
      const tol = { rtol: 1e-5, atol: 1e-6 };
      expectClose(
        mean(x, axes, { keepDims }),
        refReduce(x64, (v) => sumOf(v) / n, axes, keepDims),
        tol,
      );
      expectClose(logsumexp(x, axes, { keepDims }), refReduce(x64, lseOf, axes, keepDims), tol);
      const l2 = (v: number[]) => Math.sqrt(sumOf(v.map((e) => e * e)));
      const l1 = (v: number[]) => sumOf(v.map(Math.abs));
      const lInf = (v: number[]) => Math.max(...v.map(Math.abs));
      const l3 = (v: number[]) => sumOf(v.map((e) => Math.abs(e) ** 3)) ** (1 / 3);
      expectClose(norm(x, 2, axes, { keepDims }), refReduce(x64, l2, axes, keepDims), tol);
      expectClose(norm(x, 1, axes, { keepDims }), refReduce(x64, l1, axes, keepDims), tol);
      expectClose(norm(x, Inf, axes, { keepDims }), refReduce(x64, lInf, axes, keepDims), tol);
      expectClose(norm(x, 3, axes, { keepDims }), refReduce(x64, l3, axes, keepDims), tol);
    });
  });

  describe("argmax / argmin", () => {
    it("return int32 indices along an axis (the last by default)", () => {
      const x = tensor([
        [3, 1, 4, 1],
        [5, 9, 2, 6],
        [5, 3, 5, 8],
      ]);
      const a = argmax(x);
      expect(a.dtype).toBe("int32");
      expect(values(a)).toEqual([2, 1, 3]);
      expect(values(argmin(x))).toEqual([1, 2, 1]);
      expect(values(argmax(x, 0))).toEqual([1, 1, 2, 2]);
      expect(argmax(x, 0, { keepDims: true }).shape).toEqual([1, 4]);
      expect(values(argmax(transpose(x), 1))).toEqual([1, 1, 2, 2]);
      expect(values(argmax(strided(x), -1))).toEqual([2, 1, 3]);
    });

    it("ties go to the first; a NaN wins (the first NaN), as in PyTorch", () => {
      expect(values(argmax(tensor([1, 7, 7, 2])))).toEqual([1]);
      expect(values(argmin(tensor([2, 0, 5, 0])))).toEqual([1]);
      expect(values(argmax(tensor([1, NaN_, 9, NaN_])))).toEqual([1]);
      expect(values(argmin(tensor([NaN_, -9])))).toEqual([0]);
    });
  });

  describe("special values and edge sizes", () => {
    it("max and min propagate NaN; sum of ±∞ is NaN", () => {
      const x = tensor([
        [1, NaN_, 3],
        [Inf, -Inf, 0],
      ]);
      expect(values(max(x, 1))).toEqual([NaN_, Inf]);
      expect(values(min(x, 1))).toEqual([NaN_, -Inf]);
      expect(values(sum(x, 1))).toEqual([NaN_, NaN_]);
    });

    it("sum over an empty axis is 0, prod 1, logsumexp −∞", () => {
      const e = zeros([2, 0]);
      expect(values(sum(e, 1))).toEqual([0, 0]);
      expect(values(prod(e, 1))).toEqual([1, 1]);
      expect(values(logsumexp(e, 1))).toEqual([-Inf, -Inf]);
      expect(sum(e).item()).toBe(0);
    });

    it("max over a non-empty axis of an empty tensor is empty", () => {
      expect(max(zeros([0, 3]), 1).shape).toEqual([0]);
    });

    it("logsumexp is stable: huge logits, and rows of −∞", () => {
      const x = tensor([
        [1000, 1000],
        [-1000, -1000],
        [-Inf, -Inf],
        [Inf, 0],
      ]);
      expectClose(logsumexp(x, 1), [1000 + Math.LN2, -1000 + Math.LN2, -Inf, Inf], {
        rtol: 1e-6,
      });
    });

    it("reducing a scalar or size-1 axes", () => {
      const s = tensor(4);
      expect(sum(s).item()).toBe(4);
      expect(sum(s).shape).toEqual([]);
      expect(values(sum(reshape(tensor([1, 2, 3]), [1, 3]), 0))).toEqual([1, 2, 3]);
    });

    it("int32 reductions stay int32; mean of int32 is refused", () => {
      const i = tensor([1, 2, 3, 4], { dtype: "int32" });
      expect(sum(i).dtype).toBe("int32");
      expect(sum(i).item()).toBe(10);
      expect(max(i).item()).toBe(4);
      expect(prod(i).item()).toBe(24);
      expect(() => mean(i)).toThrowErrorMatchingInlineSnapshot(
        `[DTypeError: mean: expected a float32 or float64 tensor, got int32]`,
      );
    });

    it("float32 sums accumulate without drift on a long row", () => {
      // 4096 copies of 0.1f: the float64 sum of the stored value, to float32 precision.
      const n = 4096;
      const x = tensor(new Float32Array(n).fill(0.1));
      expectClose(sum(x), [n * Math.fround(0.1)], { rtol: 1e-6 });
    });
  });
}
