import { describe, expect, it } from "vitest";
import type { Tensor } from "../index.js";
import { ref, refPermute, seeded, strided, values } from "../testing/reference.js";
import {
  add,
  arange,
  broadcastTo,
  contiguous,
  expand,
  flatten,
  pad,
  permute,
  reshape,
  slice,
  squeeze,
  tensor,
  transpose,
  unsqueeze,
} from "./index.js";

/** Views: reshape, permute/transpose, slice, expand, squeeze/unsqueeze/flatten, contiguous, pad; run per backend by ops.test.ts. */
export function viewsSuite(_backend: string): void {
  describe("reshape", () => {
    it("is a view of contiguous data (same storage, no copy)", () => {
      const x = arange(6);
      const y = reshape(x, [2, 3]);
      expect(y.storage).toBe(x.storage);
      expect(y.shape).toEqual([2, 3]);
      expect(y.toArray()).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ]);
    });

    it("infers one -1 dimension", () => {
      expect(reshape(arange(12), [3, -1, 2]).shape).toEqual([3, 2, 2]);
      expect(reshape(arange(0), [-1, 4]).shape).toEqual([0, 4]);
    });

    it("to and from a scalar", () => {
      const s = reshape(tensor([7]), []);
      expect(s.shape).toEqual([]);
      expect(s.item()).toBe(7);
      expect(reshape(s, [1, 1]).toArray()).toEqual([[7]]);
    });

    it("copies a non-contiguous input in row-major order of its logical layout", () => {
      const t = transpose(reshape(arange(6), [2, 3])); // [[0,3],[1,4],[2,5]]
      expect(t.isContiguous).toBe(false);
      const r = reshape(t, [6]);
      expect(values(r)).toEqual([0, 3, 1, 4, 2, 5]);
      expect(r.storage).not.toBe(t.storage);
    });
  });

  describe("permute and transpose", () => {
    it("transposes a matrix without copying", () => {
      const x = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const t = transpose(x);
      expect(t.storage).toBe(x.storage);
      expect(t.strides).toEqual([1, 3]);
      expect(t.toArray()).toEqual([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
    });

    it("permutes rank 4 like a naive index permutation", () => {
      const shape = [2, 3, 4, 5];
      const data = seeded(1, 120);
      const x = tensor(data, { shape });
      for (const order of [
        [3, 1, 0, 2],
        [0, 2, 3, 1],
        [1, 0, 3, 2],
      ]) {
        const expected = refPermute(ref(shape, data), order);
        const got = permute(x, order);
        expect(got.shape).toEqual(expected.shape);
        expect(values(got)).toEqual(expected.data);
      }
    });

    it("accepts negative axes and swaps chosen axes", () => {
      const x = reshape(arange(24), [2, 3, 4]);
      expect(transpose(x, 0, -1).shape).toEqual([4, 3, 2]);
      expect(values(permute(x, [-1, -2, -3]))).toEqual(values(transpose(x, 0, 2)));
    });
  });

  describe("slice", () => {
    it("takes half-open windows with negative bounds and clamping", () => {
      const x = reshape(arange(12), [3, 4]);
      expect(slice(x, [1, 1], [3, 3]).toArray()).toEqual([
        [5, 6],
        [9, 10],
      ]);
      expect(slice(x, [-1]).toArray()).toEqual([[8, 9, 10, 11]]);
      expect(slice(x, [0, 2], [undefined, 100]).toArray()).toEqual([
        [2, 3],
        [6, 7],
        [10, 11],
      ]);
      expect(slice(x, [2], [1]).shape).toEqual([0, 4]);
    });

    it("is a view with an offset", () => {
      const x = reshape(arange(12), [3, 4]);
      const s = slice(x, [1, 2]);
      expect(s.storage).toBe(x.storage);
      expect(s.offset).toBe(6);
      expect(s.isContiguous).toBe(false);
    });
  });

  describe("expand / broadcastTo", () => {
    it("repeats size-1 axes with stride 0 and adds leading axes", () => {
      const x = tensor([[1], [2]]);
      const e = expand(x, [3, 2, 4]);
      expect(e.strides).toEqual([0, 1, 0]);
      expect(e.storage).toBe(x.storage);
      expect(e.toArray()).toEqual([
        [
          [1, 1, 1, 1],
          [2, 2, 2, 2],
        ],
        [
          [1, 1, 1, 1],
          [2, 2, 2, 2],
        ],
        [
          [1, 1, 1, 1],
          [2, 2, 2, 2],
        ],
      ]);
      expect(broadcastTo(x, [-1, 2]).shape).toEqual([2, 2]);
    });

    it("an expanded tensor feeds ops like its materialised copy", () => {
      const e = expand(tensor([1, 2, 3]), [2, 3]);
      expect(values(add(e, contiguous(e)))).toEqual([2, 4, 6, 2, 4, 6]);
    });
  });

  describe("squeeze, unsqueeze, flatten", () => {
    it("squeeze drops size-1 axes (all, or the ones named)", () => {
      const x = reshape(arange(6), [1, 2, 1, 3]);
      expect(squeeze(x).shape).toEqual([2, 3]);
      expect(squeeze(x, 2).shape).toEqual([1, 2, 3]);
      expect(squeeze(x, [0, -2]).shape).toEqual([2, 3]);
    });

    it("unsqueeze inserts a size-1 axis; negative counts from the end of the result", () => {
      const x = arange(6);
      expect(unsqueeze(x, 0).shape).toEqual([1, 6]);
      expect(unsqueeze(x, -1).shape).toEqual([6, 1]);
      expect(unsqueeze(reshape(x, [2, 3]), 1).shape).toEqual([2, 1, 3]);
    });

    it("flatten collapses a range of axes", () => {
      const x = reshape(arange(24), [2, 3, 4]);
      expect(flatten(x).shape).toEqual([24]);
      expect(flatten(x, 1).shape).toEqual([2, 12]);
      expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
      expect(flatten(tensor(5)).shape).toEqual([1]);
    });
  });

  describe("contiguous and pad", () => {
    it("contiguous returns the same tensor when already row-major, else a copy", () => {
      const x = reshape(arange(6), [2, 3]);
      expect(contiguous(x)).toBe(x);
      const c = contiguous(transpose(x));
      expect(c.isContiguous).toBe(true);
      expect(c.toArray()).toEqual([
        [0, 3],
        [1, 4],
        [2, 5],
      ]);
    });

    it("pad surrounds with zeros", () => {
      const x = tensor([
        [1, 2],
        [3, 4],
      ]);
      expect(pad(x, [1, 0], [0, 2]).toArray()).toEqual([
        [0, 0, 0, 0],
        [1, 2, 0, 0],
        [3, 4, 0, 0],
      ]);
    });

    it("views read through offsets and strides (views of views)", () => {
      const x: Tensor = reshape(arange(60), [3, 4, 5]);
      const v = slice(transpose(x, 0, 2), [1, 1, 1], [4, 3, 3]); // [3,2,2]
      const expected: number[] = [];
      for (let i = 1; i < 4; i++)
        for (let j = 1; j < 3; j++) for (let k = 1; k < 3; k++) expected.push(k * 20 + j * 5 + i);
      expect(v.shape).toEqual([3, 2, 2]);
      expect(values(v)).toEqual(expected);
      expect(values(strided(v))).toEqual(expected);
    });
  });
}
