import { describe, expect, it } from "vitest";
import { expectClose, ref, refZip, seeded, strided, values } from "../testing/reference.js";
import {
  abs,
  add,
  cast,
  ceil,
  clip,
  cos,
  div,
  equal,
  exp,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  sin,
  sqrt,
  square,
  sub,
  tanh,
  tensor,
  transpose,
  where,
} from "./index.js";

const NaN_ = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;

/** Unary ops and their float64 definitions, written out independently of the kernels. */
const unaries = [
  ["neg", neg, (x: number) => -x],
  ["abs", abs, Math.abs],
  ["sign", sign, (x: number) => (x > 0 ? 1 : x < 0 ? -1 : x)],
  ["exp", exp, Math.exp],
  ["log", log, Math.log],
  ["sqrt", sqrt, Math.sqrt],
  ["rsqrt", rsqrt, (x: number) => 1 / Math.sqrt(x)],
  ["square", square, (x: number) => x * x],
  ["reciprocal", reciprocal, (x: number) => 1 / x],
  ["tanh", tanh, (x: number) => Math.expm1(2 * x) / (Math.expm1(2 * x) + 2)],
  ["sigmoid", sigmoid, (x: number) => 1 / (1 + Math.exp(-x))],
  ["relu", relu, (x: number) => Math.max(x, 0)],
  ["sin", sin, Math.sin],
  ["cos", cos, Math.cos],
  ["floor", floor, Math.floor],
  ["ceil", ceil, Math.ceil],
] as const;

const binaries = [
  ["add", add, (a: number, b: number) => a + b],
  ["sub", sub, (a: number, b: number) => a - b],
  ["mul", mul, (a: number, b: number) => a * b],
  ["div", div, (a: number, b: number) => a / b],
  ["maximum", maximum, (a: number, b: number) => Math.max(a, b)],
  ["minimum", minimum, (a: number, b: number) => Math.min(a, b)],
] as const;

/** Shape pairs that broadcast, and the output shape (worked out by hand). */
const broadcastCases: [number[], number[], number[]][] = [
  [
    [2, 3],
    [2, 3],
    [2, 3],
  ],
  [[2, 3], [3], [2, 3]],
  // One value per row, and scalars, on the right (the wasm column-broadcast kernels).
  [
    [2, 3],
    [2, 1],
    [2, 3],
  ],
  [
    [2, 4, 5],
    [2, 4, 1],
    [2, 4, 5],
  ],
  [[3, 5], [], [3, 5]],
  [[3, 5], [1], [3, 5]],
  [
    [3, 5],
    [1, 1],
    [3, 5],
  ],
  [
    [2, 1],
    [1, 3],
    [2, 3],
  ],
  [
    [4, 1, 3],
    [2, 1],
    [4, 2, 3],
  ],
  [[], [2, 2], [2, 2]],
  [[1], [5], [5]],
  [
    [3, 1, 2, 1],
    [1, 4, 1, 5],
    [3, 4, 2, 5],
  ],
  [
    [0, 3],
    [1, 3],
    [0, 3],
  ],
  [[2, 0], [1], [2, 0]],
];

/** Elementwise ops: unary, binary with broadcasting, comparisons, where, clip, cast and dtypes; run per backend by ops.test.ts. */
export function elementwiseSuite(_backend: string): void {
  describe("unary ops match their float64 definitions", () => {
    // Positive inputs for log/sqrt/rsqrt/reciprocal, signed for the rest.
    const signed = seeded(11, 24, -3, 3);
    const positive = seeded(12, 24, 0.05, 4);
    it.each(unaries)("%s", (op, f, g) => {
      const data = ["log", "sqrt", "rsqrt", "reciprocal"].includes(op) ? positive : signed;
      const x = tensor(data, { shape: [2, 3, 4] });
      const expected = ref([2, 3, 4], data.map(g));
      // float32 results of well-conditioned functions: a few ulps of float32.
      expectClose(f(x), expected, { rtol: 1e-6, atol: 1e-7, label: op });
      expectClose(f(strided(x)), expected, { rtol: 1e-6, atol: 1e-7, label: `${op} strided` });
      const x64 = tensor(data, { shape: [2, 3, 4], dtype: "float64" });
      expectClose(f(x64), expected, { rtol: 1e-14, atol: 1e-15, label: `${op} float64` });
    });

    it("round is half to even", () => {
      const x = tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3]);
      expect(values(round(x))).toEqual([0, 2, 2, -0, -2, -2, 2, -3, 3]);
    });

    it("sigmoid is stable at large |x| and tanh saturates", () => {
      const x = tensor([-1000, -50, 0, 50, 1000], { dtype: "float64" });
      expectClose(sigmoid(x), [0, 1 / (1 + Math.exp(50)), 0.5, 1, 1], { rtol: 1e-15, atol: 0 });
      expect(values(tanh(x))).toEqual([-1, -1, 0, 1, 1]);
    });

    it("special values: log(0) = −∞, sqrt(−1) = NaN, NaN passes through", () => {
      expect(values(log(tensor([0, -1])))).toEqual([-Inf, NaN_]);
      expect(values(sqrt(tensor([-1, Inf])))).toEqual([NaN_, Inf]);
      for (const [op, f] of unaries) {
        expect(values(f(tensor([NaN_]))), op).toEqual([NaN_]);
      }
    });

    it("int32 ops that make sense on integers stay int32", () => {
      const x = tensor([-3, 0, 4], { dtype: "int32" });
      for (const [f, expected] of [
        [neg, [3, 0, -4]],
        [abs, [3, 0, 4]],
        [sign, [-1, 0, 1]],
        [square, [9, 0, 16]],
        [relu, [0, 0, 4]],
      ] as const) {
        const y = f(x);
        expect(y.dtype).toBe("int32");
        expect(values(y)).toEqual(expected);
      }
    });
  });

  describe("binary ops with broadcasting", () => {
    describe.each(broadcastCases)("%j with %j", (sa, sb, so) => {
      it.each(binaries)("%s", (op, f, g) => {
        const na = sa.reduce((s, d) => s * d, 1);
        const nb = sb.reduce((s, d) => s * d, 1);
        const da = seeded(21, na, -2, 2);
        const db = seeded(22, nb, 0.5, 2); // positive, so div is well conditioned
        const a = tensor(da, { shape: sa });
        const b = tensor(db, { shape: sb });
        const expected = refZip(g, ref(sa, da), ref(sb, db));
        expect(expected.shape).toEqual(so);
        // One float32 rounding of an exact float64 result: half an ulp, < 6e-8 relative.
        expectClose(f(a, b), expected, { rtol: 1e-7, atol: 0, label: op });
        expectClose(f(strided(a), strided(b)), expected, { rtol: 1e-7, atol: 0, label: op });
        expectClose(f(b, a), refZip(g, ref(sb, db), ref(sa, da)), { rtol: 1e-7, atol: 0 });
      });
    });

    it("pow, with broadcasting of the exponent", () => {
      const x = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(pow(x, tensor([2, 0, 0.5])).toArray()).toEqual([
        [1, 1, Math.fround(Math.sqrt(3))],
        [16, 1, Math.fround(Math.sqrt(6))],
      ]);
      expect(values(pow(2, tensor([0, 1, 10])))).toEqual([1, 2, 1024]);
    });

    it("a plain number takes the tensor's dtype on either side", () => {
      const x = tensor([1, 2, 3], { dtype: "float64" });
      const y = sub(10, x);
      expect(y.dtype).toBe("float64");
      expect(values(y)).toEqual([9, 8, 7]);
      expect(values(div(x, 0.1))).toEqual([1 / 0.1, 2 / 0.1, 3 / 0.1]);
      const i = tensor([7, -7], { dtype: "int32" });
      expect(values(add(i, 1))).toEqual([8, -6]);
      expect(add(i, 1).dtype).toBe("int32");
    });

    it("int32 division truncates toward zero", () => {
      const i = tensor([7, -7, 6], { dtype: "int32" });
      expect(values(div(i, 2))).toEqual([3, -3, 3]);
    });

    it("float64 keeps float64 precision", () => {
      const a = tensor([1], { dtype: "float64" });
      expect(values(add(a, 1e-12))).toEqual([1 + 1e-12]);
      const f = tensor([1]);
      expect(values(add(f, 1e-12))).toEqual([1]);
    });

    it("maximum and minimum propagate NaN from either side", () => {
      const a = tensor([NaN_, 1, 2]);
      const b = tensor([0, NaN_, 3]);
      expect(values(maximum(a, b))).toEqual([NaN_, NaN_, 3]);
      expect(values(minimum(a, b))).toEqual([NaN_, NaN_, 2]);
    });

    it("infinities follow IEEE arithmetic", () => {
      const a = tensor([Inf, Inf, 1, 0]);
      const b = tensor([Inf, -Inf, 0, 0]);
      expect(values(add(a, b))).toEqual([Inf, NaN_, 1, 0]);
      expect(values(div(a, b))).toEqual([NaN_, NaN_, Inf, NaN_]);
    });
  });

  describe("comparisons", () => {
    it.each([
      ["equal", equal, [0, 1, 0, 0, 0, 1]],
      ["notEqual", notEqual, [1, 0, 1, 1, 1, 0]],
      ["less", less, [1, 0, 0, 0, 0, 0]],
      ["lessEqual", lessEqual, [1, 1, 0, 0, 0, 1]],
      ["greater", greater, [0, 0, 1, 0, 0, 0]],
      ["greaterEqual", greaterEqual, [0, 1, 1, 0, 0, 1]],
    ] as const)("%s gives 1/0 in the inputs' dtype; NaN compares unequal to all", (_, f, want) => {
      const a = tensor([1, 2, 3, NaN_, NaN_, -0]);
      const b = tensor([2, 2, 2, 1, NaN_, 0]);
      const got = f(a, b);
      expect(got.dtype).toBe("float32");
      expect(values(got)).toEqual(want);
    });

    it("broadcast, with a number, and in int32", () => {
      const x = tensor([[1], [2], [3]]);
      expect(greater(x, tensor([1, 2])).toArray()).toEqual([
        [0, 0],
        [1, 0],
        [1, 1],
      ]);
      expect(values(lessEqual(2, tensor([1, 2, 3])))).toEqual([0, 1, 1]);
      const i = equal(tensor([1, 2], { dtype: "int32" }), 2);
      expect(i.dtype).toBe("int32");
      expect(values(i)).toEqual([0, 1]);
    });
  });

  describe("where", () => {
    it("picks a where the condition is non-zero (NaN counts as true), broadcasting all three", () => {
      const condition = tensor([[1], [0], [NaN_]]);
      const got = where(condition, tensor([10, 20]), tensor([[-1, -2]]));
      expect(got.toArray()).toEqual([
        [10, 20],
        [-1, -2],
        [10, 20],
      ]);
    });

    it("takes numbers for either branch and any condition dtype", () => {
      const mask = tensor([1, 0, 2], { dtype: "int32" });
      expect(values(where(mask, tensor([1, 2, 3]), 0))).toEqual([1, 0, 3]);
      expect(values(where(mask, 5, tensor([1, 2, 3])))).toEqual([5, 2, 5]);
    });

    it("reads strided operands", () => {
      const x = transpose(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      );
      expect(values(where(strided(tensor([1, 0, 0, 1], { shape: [2, 2] })), x, 0))).toEqual([
        1, 0, 0, 4,
      ]);
    });
  });

  describe("clip", () => {
    it("limits to [min, max]; NaN stays NaN; infinities clip", () => {
      const x = tensor([-5, -1, 0, 0.5, 1, 5, NaN_, Inf, -Inf]);
      expect(values(clip(x, -1, 1))).toEqual([-1, -1, 0, 0.5, 1, 1, NaN_, 1, -1]);
      expect(values(clip(strided(x), 0, 0))).toEqual([0, 0, 0, 0, 0, 0, NaN_, 0, 0]);
    });

    it("int32 stays int32", () => {
      const got = clip(tensor([-3, 0, 3], { dtype: "int32" }), -1, 2);
      expect(got.dtype).toBe("int32");
      expect(values(got)).toEqual([-1, 0, 2]);
    });
  });

  describe("cast and dtypes", () => {
    it("float → int32 truncates toward zero; NaN becomes 0", () => {
      const x = tensor([1.9, -1.9, 0.5, -0.5, NaN_]);
      const i = cast(x, "int32");
      expect(i.dtype).toBe("int32");
      expect(values(i)).toEqual([1, -1, 0, 0, 0]);
    });

    it("float64 → float32 rounds to nearest; int32 → float64 is exact", () => {
      const x = tensor([0.1, 1 + 2 ** -30, 16777217], { dtype: "float64" });
      expect(values(cast(x, "float32"))).toEqual([Math.fround(0.1), 1, 16777216]);
      const i = tensor([2147483647, -2147483648], { dtype: "int32" });
      expect(values(cast(i, "float64"))).toEqual([2147483647, -2147483648]);
    });

    it("casts strided views, and the same dtype returns the input", () => {
      const x = tensor([
        [1.5, 2.5],
        [3.5, 4.5],
      ]);
      expect(values(cast(transpose(x), "int32"))).toEqual([1, 3, 2, 4]);
      expect(cast(x, "float32")).toBe(x);
    });

    it("ops keep their input dtype", () => {
      for (const dtype of ["float32", "float64", "int32"] as const) {
        const x = tensor([1, 2], { dtype });
        expect(add(x, x).dtype).toBe(dtype);
        expect(mul(x, 2).dtype).toBe(dtype);
        expect(less(x, x).dtype).toBe(dtype);
      }
    });
  });
}
