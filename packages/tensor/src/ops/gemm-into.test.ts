import { beforeEach, describe, expect, it } from "vitest";
import { listBackends, setBackend } from "../backend.js";
import { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { gemmInto } from "./gemm-into.js";
import { reshape, slice } from "./views.js";

const transposed = (m: number[][]) => (m[0] ?? []).map((_, j) => m.map((row) => row[j] as number));

/** Naive float64 reference of α·op(a)·op(b) + β·c on nested arrays. */
function reference(
  a: number[][],
  b: number[][],
  c: number[][],
  ta: boolean,
  tb: boolean,
  alpha: number,
  beta: number,
) {
  const A = ta ? transposed(a) : a;
  const B = tb ? transposed(b) : b;
  return c.map((row, i) =>
    row.map(
      (old, j) =>
        alpha *
          (A[i] as number[]).reduce((s, v, p) => s + v * ((B[p] as number[])[j] as number), 0) +
        beta * old,
    ),
  );
}

describe.each(listBackends())("gemmInto on %s", (backend) => {
  beforeEach(() => {
    setBackend(backend);
  });

  it.each([
    [false, false, 5],
    [true, false, 5],
    [false, true, 5],
    [true, true, 5],
    // one row: the matrix-vector path
    [false, false, 1],
    [true, false, 1],
    [false, true, 1],
    [true, true, 1],
  ])("accumulates into a row block of a larger buffer (ta %s, tb %s, m %s)", (ta, tb, m) => {
    const rng = new Generator(3);
    const [k, n] = [7, 6];
    const a = rng.uniform(ta ? [k, m] : [m, k], -1, 1);
    const b = rng.uniform(tb ? [n, k] : [k, n], -1, 1);
    const buffer = rng.uniform([3, m, n], -1, 1); // out is the middle [m, n] block
    const out = reshape(slice(buffer, [1], [2]), [m, n]) as Tensor;
    const before = out.toArray() as number[][];
    const outside = [slice(buffer, [0], [1]).toArray(), slice(buffer, [2], [3]).toArray()];
    gemmInto(out, a, b, { transposeA: ta, transposeB: tb, alpha: 0.5, beta: 1 });
    const expected = reference(
      a.toArray() as number[][],
      b.toArray() as number[][],
      before,
      ta,
      tb,
      0.5,
      1,
    );
    const got = out.toArray() as number[][];
    // float32 products of 7 terms in [-1, 1]: 1e-5 absolute is ample.
    got.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(v).toBeCloseTo((expected[i] as number[])[j] as number, 5);
      });
    });
    // The blocks around it are untouched.
    expect([slice(buffer, [0], [1]).toArray(), slice(buffer, [2], [3]).toArray()]).toEqual(outside);
  });

  it("overwrites NaN garbage when beta is 0", () => {
    const out = reshape(slice(new Generator(1).uniform([2, 2]), [0], [2]), [2, 2]) as Tensor;
    out.storage.array.fill(Number.NaN);
    const eye = new Generator(2).uniform([2, 2]);
    gemmInto(out, eye, eye);
    expect((out.toArray() as number[][]).flat().every(Number.isFinite)).toBe(true);
  });
});
