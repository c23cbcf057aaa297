// Tests of packB/gemmPacked on every built-in backend against the plain gemm kernel: all four
// transposition forms, odd sizes (panel and SIMD tails), beta 0 and 1, a packed B reused across
// products, strided operands, disposal and shape errors.

import { afterAll, describe, expect, it } from "vitest";
import { getBackend, kernel, listBackends, setBackend, type View } from "./backend.js";
import { TensorError } from "./errors.js";
import { seededFloat32 } from "./testing/reference.js";

const initial = getBackend().name;
afterAll(() => {
  setBackend(initial);
});
const backends = ["js", "wasm"].filter((name) => listBackends().includes(name));

/** Test data from the suites' shared seeded source, as float32. */
const random = (count: number, seed: number, low = -1, high = 1) =>
  seededFloat32(seed, count, low, high);

/** A row-major [rows, cols] view (row stride `ld` ≥ cols) filled with `values` (or zeros). */
function matrix(rows: number, cols: number, seed: number, ld = cols): View {
  const storage = getBackend().alloc("float32", Math.max(rows * ld, 1));
  (storage.array as Float32Array).set(random(rows * ld, seed).subarray(0, storage.length));
  return { storage, dtype: "float32", shape: [rows, cols], strides: [ld, 1], offset: 0 };
}

function clone(v: View): View {
  const storage = getBackend().alloc("float32", v.storage.length);
  (storage.array as Float32Array).set(v.storage.array as Float32Array);
  return { ...v, storage };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>) {
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    if (!(Math.abs((got[i] as number) - w) <= 1e-5 * (1 + Math.abs(w)))) {
      throw new Error(`element ${i}: got ${got[i]}, want ${w}`);
    }
  }
}

describe.each(backends)("packB/gemmPacked on %s", (name) => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 9],
    [32, 259, 64],
    [65, 130, 300],
  ];
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`equals gemm for transposeA=${transposeA} transposeB=${transposeB}, beta 0 and 1`, () => {
        setBackend(name);
        for (const [m, n, k] of sizes) {
          const a = transposeA ? matrix(k, m, m + 1, m + 2) : matrix(m, k, m + 1);
          const b = transposeB ? matrix(n, k, n + 2) : matrix(k, n, n + 2, n + 1);
          const packed = kernel("packB")(b, transposeB);
          expect([packed.k, packed.n, packed.backend]).toEqual([k, n, name]);
          for (const beta of [0, 1]) {
            for (const alpha of [1, -0.5]) {
              const want = matrix(m, n, 5, n + 3);
              const got = clone(want);
              kernel("gemm")(a, b, want, { transposeA, transposeB, alpha, beta });
              kernel("gemmPacked")(a, packed, got, { transposeA, alpha, beta });
              expectClose(got.storage.array, want.storage.array);
            }
          }
          packed.dispose();
          expect(packed.disposed).toBe(true);
        }
      });
    }
  }

  it("is reused across products and does not see later changes to B", () => {
    setBackend(name);
    const b = matrix(40, 24, 3);
    const before = clone(b);
    const packed = kernel("packB")(b, false);
    (b.storage.array as Float32Array).fill(7);
    for (let step = 0; step < 3; step++) {
      const a = matrix(6, 40, 10 + step);
      const want = matrix(6, 24, 0);
      const got = clone(want);
      kernel("gemm")(a, before, want, { transposeA: false, transposeB: false, alpha: 1, beta: 0 });
      kernel("gemmPacked")(a, packed, got, { transposeA: false, alpha: 1, beta: 0 });
      expectClose(got.storage.array, want.storage.array);
    }
    packed.dispose();
  });

  it("rejects shapes that do not fit and a disposed handle", () => {
    setBackend(name);
    const packed = kernel("packB")(matrix(8, 5, 1), false);
    expect(() =>
      kernel("gemmPacked")(matrix(3, 7, 2), packed, matrix(3, 5, 3), {
        transposeA: false,
        alpha: 1,
        beta: 0,
      }),
    ).toThrow(
      /gemmPacked: expected op\(a\) \[m,8\] and out \[m,5\] for a packed B of \[8,5\], got op\(a\) \[3,7\] and out \[3,5\]/,
    );
    packed.dispose();
    expect(() =>
      kernel("gemmPacked")(matrix(3, 8, 2), packed, matrix(3, 5, 3), {
        transposeA: false,
        alpha: 1,
        beta: 0,
      }),
    ).toThrow(TensorError);
  });
});
