import { describe, expect, it } from "vitest";
import { values } from "../testing/reference.js";
import {
  arange,
  empty,
  eye,
  full,
  ones,
  onesLike,
  scalar,
  tensor,
  zeros,
  zerosLike,
} from "./index.js";

/** Creation: tensor from nested and typed arrays, constants, arange, eye; run per backend by ops.test.ts. */
export function creationSuite(backend: string): void {
  describe("tensor", () => {
    it("infers shape from nested arrays, float32 by default", () => {
      const t = tensor([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ]);
      expect(t.shape).toEqual([2, 2, 2]);
      expect(t.dtype).toBe("float32");
      expect(t.strides).toEqual([4, 2, 1]);
      expect(values(t)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it("a number is a scalar; [] is an empty vector", () => {
      const s = tensor(3.5);
      expect(s.shape).toEqual([]);
      expect(s.item()).toBe(3.5);
      expect(tensor([]).shape).toEqual([0]);
      expect(tensor([[]]).shape).toEqual([1, 0]);
      expect(scalar(2, "int32").dtype).toBe("int32");
    });

    it("takes the dtype of a typed array, or the one asked for", () => {
      expect(tensor(new Float64Array([1, 2])).dtype).toBe("float64");
      expect(tensor(new Int32Array([1, 2])).dtype).toBe("int32");
      const t = tensor(new Float32Array([1.5, -2.5, 3, 4]), { dtype: "int32", shape: [2, 2] });
      expect(t.dtype).toBe("int32");
      expect(t.toArray()).toEqual([
        [1, -2],
        [3, 4],
      ]);
    });

    it("rounds to the dtype: float32 stores the nearest float32, int32 truncates", () => {
      expect(values(tensor([0.1]))).toEqual([Math.fround(0.1)]);
      expect(values(tensor([0.1], { dtype: "float64" }))).toEqual([0.1]);
      expect(values(tensor([2.9, -2.9], { dtype: "int32" }))).toEqual([2, -2]);
    });

    it("copies its input: later changes to the source do not leak in", () => {
      const source = new Float32Array([1, 2, 3]);
      const t = tensor(source);
      source[0] = 99;
      expect(values(t)).toEqual([1, 2, 3]);
    });

    it("toArray and toTypedArray round-trip", () => {
      const nested = [
        [1, 2, 3],
        [4, 5, 6],
      ];
      const t = tensor(nested, { dtype: "float64" });
      expect(t.toArray()).toEqual(nested);
      const copy = t.toTypedArray();
      expect(copy).toBeInstanceOf(Float64Array);
      copy[0] = 42;
      expect(values(t)[0]).toBe(1);
    });
  });

  describe("constants", () => {
    it("zeros, ones, full, and the -Like forms", () => {
      expect(values(zeros([2, 2]))).toEqual([0, 0, 0, 0]);
      expect(values(ones([3], "int32"))).toEqual([1, 1, 1]);
      expect(ones([3], "int32").dtype).toBe("int32");
      expect(full([2], 7.5, "float64").toArray()).toEqual([7.5, 7.5]);
      expect(full([], Number.NEGATIVE_INFINITY).item()).toBe(Number.NEGATIVE_INFINITY);
      const x = tensor([[1, 2]], { dtype: "float64" });
      expect(zerosLike(x).shape).toEqual([1, 2]);
      expect(zerosLike(x).dtype).toBe("float64");
      expect(values(onesLike(x))).toEqual([1, 1]);
      expect(zeros([0, 5]).size).toBe(0);
    });

    it("full overwrites whatever memory it was given (reuse after dispose)", () => {
      for (let i = 0; i < 3; i++) {
        const junk = full([64], 123);
        junk.dispose();
        expect(values(zeros([64])).every((v) => v === 0)).toBe(true);
        full([33], -5.5, "float64").dispose();
        expect(values(zeros([33], "float64")).every((v) => v === 0)).toBe(true);
      }
      // −0 is a value of its own, not a zero fill.
      expect(values(full([3], -0)).every((v) => Object.is(v, -0))).toBe(true);
    });

    it("arange: stop only, start/stop/step, negative and fractional steps", () => {
      expect(values(arange(4))).toEqual([0, 1, 2, 3]);
      expect(values(arange(2, 8, 3))).toEqual([2, 5]);
      expect(values(arange(5, 0, -2))).toEqual([5, 3, 1]);
      expect(values(arange(0, 1, 0.25))).toEqual([0, 0.25, 0.5, 0.75]);
      expect(values(arange(3, 3))).toEqual([]);
      expect(values(arange(3, 1))).toEqual([]);
      expect(arange(0, 3, 1, "int32").dtype).toBe("int32");
    });

    it("eye: square and rectangular", () => {
      expect(eye(3).toArray()).toEqual([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]);
      expect(eye(2, 3, "int32").toArray()).toEqual([
        [1, 0, 0],
        [0, 1, 0],
      ]);
      expect(eye(0).shape).toEqual([0, 0]);
    });

    it("empty allocates on the active backend with the asked shape and dtype", () => {
      const e = empty([2, 3], "float64");
      expect(e.shape).toEqual([2, 3]);
      expect(e.dtype).toBe("float64");
      expect(e.storage.backend).toBe(backend);
    });
  });
}
