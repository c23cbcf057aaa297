import { describe, expect, it } from "vitest";
import { expectClose, ref, refMatMul, seeded, strided, values } from "../testing/reference.js";
import { expand, matMul, slice, tensor, transpose } from "./index.js";

const flags = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Stored shape of an operand that is read as [rows, cols], transposed or not. */
const stored = (batch: number[], rows: number, cols: number, t: boolean) =>
  t ? [...batch, cols, rows] : [...batch, rows, cols];

/** (batch a, batch b, m, k, n): edge sizes 0 and 1, odd sizes, batch broadcasting. */
const cases: [number[], number[], number, number, number][] = [
  [[], [], 2, 3, 4],
  [[], [], 1, 1, 1],
  [[], [], 1, 7, 1],
  [[], [], 5, 1, 6],
  [[], [], 0, 3, 4],
  [[], [], 3, 0, 4],
  [[], [], 3, 4, 0],
  [[], [], 17, 9, 13],
  [[2], [2], 3, 4, 5],
  [[2], [], 3, 4, 5],
  [[], [3], 2, 2, 2],
  [[2, 1], [3], 3, 2, 4],
  [[1, 3], [2, 1], 2, 5, 3],
  [[0], [1], 2, 3, 2],
];

/** MatMul: every transpose combination, batch broadcasting, edge sizes, strided operands; run per backend by ops.test.ts. */
export function matMulSuite(_backend: string): void {
  it("a 2×3 by 3×2 product worked by hand", () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(matMul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(matMul(b, a, { transposeA: true, transposeB: true }).toArray()).toEqual([
      [58, 139],
      [64, 154],
    ]);
  });

  describe.each(flags)("transposeA %s, transposeB %s", (transposeA, transposeB) => {
    it.each(cases)("batch %j · %j, m %i k %i n %i", (batchA, batchB, m, k, n) => {
      const sa = stored(batchA, m, k, transposeA);
      const sb = stored(batchB, k, n, transposeB);
      const da = seeded(
        41,
        sa.reduce((s, d) => s * d, 1),
      );
      const db = seeded(
        42,
        sb.reduce((s, d) => s * d, 1),
      );
      const expected = refMatMul(ref(sa, da), ref(sb, db), transposeA, transposeB);
      const a = tensor(da, { shape: sa });
      const b = tensor(db, { shape: sb });
      const options = { transposeA, transposeB };
      // float32 dot products of ≤ 17 terms in [-1, 1]: 1e-5 relative plus 1e-6 absolute.
      const tol = { rtol: 1e-5, atol: 1e-6 };
      expectClose(matMul(a, b, options), expected, tol);
      expectClose(matMul(strided(a), strided(b), options), expected, tol);
      const a64 = tensor(da, { shape: sa, dtype: "float64" });
      const b64 = tensor(db, { shape: sb, dtype: "float64" });
      expectClose(matMul(a64, b64, options), expected, { rtol: 1e-13, atol: 1e-14 });
    });
  });

  it("a transposed view and the transposeA flag agree (both read in place)", () => {
    const x = tensor(seeded(43, 12), { shape: [3, 4] });
    const y = tensor(seeded(44, 15), { shape: [3, 5] });
    const viaView = matMul(transpose(x), y);
    const viaFlag = matMul(x, y, { transposeA: true });
    expect(values(viaView)).toEqual(values(viaFlag));
    // A transposed view with the flag set reads the original layout again.
    const back = matMul(transpose(transpose(x)), y, { transposeA: true });
    expect(values(back)).toEqual(values(viaFlag));
  });

  it("non-contiguous operands: column slices, expanded (stride 0) batches", () => {
    const bigData = seeded(45, 6 * 8);
    const a = slice(tensor(bigData, { shape: [6, 8] }), [1, 2], [4, 6]); // [3,4], row stride 8
    const bData = seeded(46, 8);
    const b = tensor(bData, { shape: [4, 2] });
    const aData = [1, 2, 3].flatMap((i) => [2, 3, 4, 5].map((j) => bigData[i * 8 + j] as number));
    const expected = refMatMul(ref([3, 4], aData), ref([4, 2], bData));
    expectClose(matMul(a, b), expected, { rtol: 1e-5, atol: 1e-6 });
    const e = expand(b, [3, 4, 2]);
    const out = matMul(a, e);
    expect(out.shape).toEqual([3, 3, 2]);
    const one = values(matMul(a, b));
    expect(values(out)).toEqual([...one, ...one, ...one]);
  });

  it("a recurrent-step-shaped product h · Wᵀ, [8,64]·[96,64]ᵀ, in float32", () => {
    const hData = seeded(47, 8 * 64);
    const wData = seeded(48, 96 * 64);
    const h = tensor(hData, { shape: [8, 64] });
    const w = tensor(wData, { shape: [96, 64] });
    // A plain loop (the general reference is slow at this size): out[i][j] = Σ_p h[i][p]·w[j][p].
    const expected = Array.from({ length: 8 * 96 }, (_, flat) => {
      const i = Math.floor(flat / 96);
      const j = flat % 96;
      let acc = 0;
      for (let p = 0; p < 64; p++)
        acc += (hData[i * 64 + p] as number) * (wData[j * 64 + p] as number);
      return acc;
    });
    expectClose(matMul(h, w, { transposeB: true }), expected, { rtol: 1e-5, atol: 1e-5 });
  });

  it("int32 matrices multiply exactly", () => {
    const a = tensor(
      [
        [1, -2],
        [3, 4],
      ],
      { dtype: "int32" },
    );
    const got = matMul(a, a);
    expect(got.dtype).toBe("int32");
    expect(got.toArray()).toEqual([
      [-5, -10],
      [15, 10],
    ]);
  });
}
