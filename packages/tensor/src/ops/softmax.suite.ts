import { expect, it } from "vitest";
import {
  expectClose,
  ref,
  refSoftmax,
  seeded,
  strided,
  sumOf,
  values,
} from "../testing/reference.js";
import { exp, logSoftmax, softmax, sum, tensor, transpose } from "./index.js";

const Inf = Number.POSITIVE_INFINITY;

/** Softmax and logSoftmax, including huge and −∞ logits; run per backend by ops.test.ts. */
export function softmaxSuite(_backend: string): void {
  it("a row worked by hand: softmax([0, ln 2, ln 5]) = [1/8, 2/8, 5/8]", () => {
    const x = tensor([0, Math.LN2, Math.log(5)], { dtype: "float64" });
    expectClose(softmax(x), [1 / 8, 2 / 8, 5 / 8], { rtol: 1e-15, atol: 0 });
    expectClose(logSoftmax(x), [Math.log(1 / 8), Math.log(2 / 8), Math.log(5 / 8)], {
      rtol: 1e-15,
      atol: 1e-16,
    });
  });

  it.each([0, 1, 2, -1])("along axis %i of [3,4,5] matches the textbook formula", (axis) => {
    const shape = [3, 4, 5];
    const data = seeded(71, 60, -4, 4);
    const x = tensor(data, { shape });
    // float32 softmax: each output is a few float32 roundings away from float64.
    const tol = { rtol: 1e-6, atol: 1e-7 };
    expectClose(softmax(x, axis), refSoftmax(ref(shape, data), axis, false), tol);
    expectClose(logSoftmax(x, axis), refSoftmax(ref(shape, data), axis, true), tol);
    expectClose(softmax(strided(x), axis), refSoftmax(ref(shape, data), axis, false), tol);
    const d = tensor(data, { shape, dtype: "float64" });
    expectClose(logSoftmax(d, axis), refSoftmax(ref(shape, data), axis, true), {
      rtol: 1e-14,
      atol: 1e-15,
    });
  });

  it("rows sum to 1 and logSoftmax = log(softmax)", () => {
    const x = tensor(seeded(72, 30, -10, 10), { shape: [5, 6] });
    expectClose(sum(softmax(x), 1), [1, 1, 1, 1, 1], { rtol: 1e-6 });
    expectClose(exp(logSoftmax(x)), softmax(x), { rtol: 1e-6, atol: 1e-7 });
  });

  it("is stable with huge logits (no overflow, no NaN)", () => {
    const x = tensor([
      [1000, 1001, 1002],
      [-1000, -1001, -1002],
      [3e38, 3e38, -3e38],
    ]);
    const e = [1, Math.E, Math.E ** 2];
    const z = sumOf(e);
    const expected = [...e.map((v) => v / z), ...[...e].reverse().map((v) => v / z), 0.5, 0.5, 0];
    expectClose(softmax(x), expected, { rtol: 1e-6, atol: 1e-7 });
    const logs = [
      ...e.map((v) => Math.log(v / z)),
      ...[...e].reverse().map((v) => Math.log(v / z)),
      -Math.LN2,
      -Math.LN2,
    ];
    const got = values(logSoftmax(x));
    expectClose(got.slice(0, 8), logs, { rtol: 1e-6, atol: 1e-6 });
    expect(got[8]).toBeLessThan(-1e38); // −6e38 in float64, which float32 holds as −∞
  });

  it("−∞ logits get probability 0 (masking)", () => {
    const x = tensor([[0, -Inf, 0, -Inf]]);
    expect(values(softmax(x))).toEqual([0.5, 0, 0.5, 0]);
    expectClose(logSoftmax(x), [-Math.LN2, -Inf, -Math.LN2, -Inf], { rtol: 1e-6 });
  });

  it("a NaN makes its own row NaN and leaves the others alone (vector lanes and tail)", () => {
    const row = [0.5, -1, 2, 0.25, 3, -2, 1];
    const x = tensor([row, [...row.slice(0, 5), Number.NaN, 1], row]);
    for (const f of [softmax, logSoftmax]) {
      const got = values(f(x));
      expect(got.slice(7, 14).every(Number.isNaN)).toBe(true);
      expect(got.slice(0, 7)).toEqual(got.slice(14, 21));
      expect(got.slice(0, 7).every(Number.isFinite)).toBe(true);
    }
  });

  it("a size-1 axis gives 1 (log 0); reads transposed input", () => {
    expect(values(softmax(tensor([[3], [-7]])))).toEqual([1, 1]);
    expect(values(logSoftmax(tensor([[3], [-7]])))).toEqual([0, 0]);
    const x = tensor([
      [0, Math.LN2],
      [0, 0],
    ]);
    // transpose: columns become rows → [[0,0],[ln2,0]] along the last axis.
    expectClose(softmax(transpose(x)), [0.5, 0.5, 2 / 3, 1 / 3], { rtol: 1e-6 });
  });
}
