import { describe, expect, it } from "vitest";
import { expectClose, ref, refConcat, seeded, strided, values } from "../testing/reference.js";
import { arange, concat, reshape, split, stack, tensor, transpose, zeros } from "./index.js";

/** Joins: concat, stack, split; run per backend by ops.test.ts. */
export function joinSuite(_backend: string): void {
  describe("concat", () => {
    it("joins matrices along rows and along columns", () => {
      const a = tensor([
        [1, 2],
        [3, 4],
      ]);
      const b = tensor([[5, 6]]);
      expect(concat([a, b]).toArray()).toEqual([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      expect(concat([a, transpose(b)], -1).toArray()).toEqual([
        [1, 2, 5],
        [3, 4, 6],
      ]);
    });

    it.each([0, 1, 2])("along axis %i of rank-3 tensors (strided inputs too)", (axis) => {
      const shapes = [
        [2, 3, 4],
        [2, 3, 4],
        [2, 3, 4],
      ].map((s, i) => s.map((d, j) => (j === axis ? i + 1 : d)));
      const refs = shapes.map((s, i) =>
        ref(
          s,
          seeded(
            60 + i,
            s.reduce((p, d) => p * d, 1),
          ),
        ),
      );
      const expected = refConcat(refs, axis);
      const tensors = refs.map((r) => tensor([...r.data], { shape: [...r.shape] }));
      expectClose(concat(tensors, axis), expected, { rtol: 0, atol: 0 });
      expectClose(concat(tensors.map(strided), axis), expected, { rtol: 0, atol: 0 });
    });

    it("empty pieces and a single piece", () => {
      const a = reshape(arange(6), [2, 3]);
      expect(values(concat([zeros([0, 3]), a, zeros([0, 3])]))).toEqual([0, 1, 2, 3, 4, 5]);
      const one = concat([a], 1);
      expect(one.toArray()).toEqual(a.toArray());
    });
  });

  describe("stack", () => {
    it("joins along a new axis (front, middle, end)", () => {
      const a = tensor([1, 2, 3]);
      const b = tensor([4, 5, 6]);
      expect(stack([a, b]).toArray()).toEqual([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(stack([a, b], 1).toArray()).toEqual([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
      expect(stack([a, b], -1).shape).toEqual([3, 2]);
      const m = reshape(arange(4), [2, 2]);
      expect(stack([m, transpose(m)], 1).toArray()).toEqual([
        [
          [0, 1],
          [0, 2],
        ],
        [
          [2, 3],
          [1, 3],
        ],
      ]);
    });

    it("stacks scalars into a vector", () => {
      expect(values(stack([tensor(1), tensor(2)]))).toEqual([1, 2]);
    });
  });

  describe("split", () => {
    it("into equal parts that are views", () => {
      const x = reshape(arange(12), [3, 4]);
      const parts = split(x, 2, 1);
      expect(parts.map((p) => p.shape)).toEqual([
        [3, 2],
        [3, 2],
      ]);
      expect(parts[0]?.storage).toBe(x.storage);
      expect(parts.map((p) => p.toArray())).toEqual([
        [
          [0, 1],
          [4, 5],
          [8, 9],
        ],
        [
          [2, 3],
          [6, 7],
          [10, 11],
        ],
      ]);
    });

    it("into given sizes (zero allowed), and concat puts them back", () => {
      const x = reshape(arange(10), [5, 2]);
      const parts = split(x, [2, 0, 3]);
      expect(parts.map((p) => p.shape)).toEqual([
        [2, 2],
        [0, 2],
        [3, 2],
      ]);
      expect(values(concat(parts))).toEqual(values(x));
    });

    it("four equal parts of the last axis (gate blocks)", () => {
      const gates = reshape(arange(16), [2, 8]);
      const [i, f, g, o] = split(gates, 4, -1);
      expect([i, f, g, o].map((p) => p?.toArray())).toEqual([
        [
          [0, 1],
          [8, 9],
        ],
        [
          [2, 3],
          [10, 11],
        ],
        [
          [4, 5],
          [12, 13],
        ],
        [
          [6, 7],
          [14, 15],
        ],
      ]);
    });
  });
}
