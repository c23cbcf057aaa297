import { describe, expect, it } from "vitest";
import {
  expectClose,
  ref,
  refGather,
  seeded,
  seededInts,
  strided,
  values,
} from "../testing/reference.js";
import { gather, indexSelect, oneHot, scatterAdd, tensor, transpose } from "./index.js";

const int = (data: number[], shape?: number[]) =>
  tensor(data, shape === undefined ? { dtype: "int32" } : { dtype: "int32", shape });

/** Indexing: gather, scatterAdd, oneHot; run per backend by ops.test.ts. */
export function indexingSuite(_backend: string): void {
  describe("gather", () => {
    it("is an embedding lookup: [vocab, dim] by [batch, time] → [batch, time, dim]", () => {
      const table = tensor([
        [0, 0.5],
        [1, 1.5],
        [2, 2.5],
      ]);
      const tokens = int([2, 0, 1, 2], [2, 2]);
      const got = gather(table, tokens);
      expect(got.shape).toEqual([2, 2, 2]);
      expect(got.toArray()).toEqual([
        [
          [2, 2.5],
          [0, 0.5],
        ],
        [
          [1, 1.5],
          [2, 2.5],
        ],
      ]);
      expect(indexSelect).toBe(gather);
    });

    it.each([0, 1, 2, -1])("along axis %i of a rank-3 tensor, strided inputs too", (axis) => {
      const shape = [3, 4, 5];
      const data = seeded(51, 60);
      const a = axis < 0 ? axis + 3 : axis;
      const idxData = seededInts(52, 6, 0, shape[a] as number);
      const expected = refGather(ref(shape, data), ref([2, 3], idxData), a);
      const x = tensor(data, { shape });
      const indices = int(idxData, [2, 3]);
      expectClose(gather(x, indices, axis), expected, { rtol: 0, atol: 0 });
      expectClose(gather(strided(x), strided(indices), axis), expected, { rtol: 0, atol: 0 });
    });

    it("repeated indices, a scalar index, and a transposed table", () => {
      const table = tensor([
        [1, 2],
        [3, 4],
      ]);
      expect(gather(table, int([1, 1, 1])).toArray()).toEqual([
        [3, 4],
        [3, 4],
        [3, 4],
      ]);
      expect(gather(table, tensor(1, { dtype: "int32" })).toArray()).toEqual([3, 4]);
      expect(gather(transpose(table), int([0])).toArray()).toEqual([[1, 3]]);
      expect(gather(table, int([])).shape).toEqual([0, 2]);
    });

    it("works on int32 and float64 data", () => {
      const t = tensor([10, 20, 30], { dtype: "float64" });
      expect(gather(t, int([2, 0])).dtype).toBe("float64");
      expect(values(gather(int([10, 20, 30]), int([2, 0])))).toEqual([30, 10]);
    });
  });

  describe("scatterAdd", () => {
    it("adds rows at their indices; repeated indices accumulate", () => {
      const updates = tensor([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      const got = scatterAdd(updates, int([0, 2, 0]), 0, [4, 2]);
      expect(got.toArray()).toEqual([
        [4, 4],
        [0, 0],
        [2, 2],
        [0, 0],
      ]);
    });

    it("is the adjoint of gather: ⟨gather(x, i), u⟩ = ⟨x, scatterAdd(u, i)⟩", () => {
      const shape = [3, 4, 2];
      const x = seeded(53, 24);
      const idx = seededInts(54, 5, 0, 4);
      const u = seeded(55, 3 * 5 * 2);
      const g = values(gather(tensor(x, { shape }), int(idx), 1));
      const s = values(scatterAdd(tensor(u, { shape: [3, 5, 2] }), int(idx), 1, shape));
      const left = g.reduce((acc, v, i) => acc + v * (u[i] as number), 0);
      const right = s.reduce((acc, v, i) => acc + v * (x[i] as number), 0);
      expect(Math.abs(left - right)).toBeLessThan(1e-5);
      // And scatterAdd matches a naive loop.
      const naive = new Array<number>(24).fill(0);
      for (let o = 0; o < 3; o++) {
        for (let j = 0; j < 5; j++) {
          for (let c = 0; c < 2; c++) {
            const at = o * 8 + (idx[j] as number) * 2 + c;
            naive[at] = (naive[at] as number) + (u[o * 10 + j * 2 + c] as number);
          }
        }
      }
      expectClose(s, naive, { rtol: 1e-6, atol: 1e-7 });
    });
  });

  describe("oneHot", () => {
    it("rows of zeros with a one at each index, float32 by default", () => {
      const got = oneHot(int([2, 0, 1], [3]), 4);
      expect(got.dtype).toBe("float32");
      expect(got.toArray()).toEqual([
        [0, 0, 1, 0],
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]);
    });

    it("keeps the index shape and reads strided indices", () => {
      const idx = transpose(int([0, 1, 2, 0], [2, 2])); // [[0,2],[1,0]]
      const got = oneHot(idx, 3, "float64");
      expect(got.shape).toEqual([2, 2, 3]);
      expect(got.dtype).toBe("float64");
      expect(values(got)).toEqual([1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0]);
    });
  });
}
