import { describe, expect, it } from "vitest";
import {
  add,
  argmax,
  cast,
  clip,
  concat,
  DTypeError,
  expand,
  flatten,
  Generator,
  gather,
  less,
  listBackends,
  matMul,
  max,
  oneHot,
  ones,
  pad,
  permute,
  reshape,
  ShapeError,
  scatterAdd,
  setBackend,
  softmax,
  split,
  squeeze,
  stack,
  sum,
  TensorError,
  tensor,
  tidy,
  transpose,
  where,
  zeros,
} from "./index.js";

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): TensorError {
  try {
    fn();
  } catch (error) {
    return error as TensorError;
  }
  return expect.unreachable("expected an error");
}

const int = (data: number[]) => tensor(data, { dtype: "int32" });

/** Error messages, pinned exactly; run per backend by ops.test.ts. */
export function errorsSuite(_backend: string): void {
  describe("matMul", () => {
    it("inner dimensions, plain and transposed", () => {
      expect(() => matMul(zeros([2, 3]), zeros([4, 5]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: matMul: inner dimensions differ: a is [2,3], b is [4,5]]`,
      );
      expect(() =>
        matMul(zeros([7, 2, 3]), zeros([4, 5]), { transposeA: true }),
      ).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: matMul: inner dimensions differ: aᵀ is [7,3,2] (a is [7,2,3]), b is [4,5]]`,
      );
      expect(() =>
        matMul(zeros([2, 3]), zeros([4, 3]), { transposeB: false }),
      ).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: matMul: inner dimensions differ: a is [2,3], b is [4,3] (did you mean transposeB: true?)]`,
      );
    });

    it("suggests the transpose flag that would fit", () => {
      expect(() => matMul(zeros([3, 2]), zeros([3, 4]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: matMul: inner dimensions differ: a is [3,2], b is [3,4] (did you mean transposeA: true?)]`,
      );
    });

    it("batch dimensions, rank, dtype", () => {
      expect(() => matMul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: matMul: batch dimensions do not broadcast: a is [2,3,4], b is [3,4,5] (batch [2] and [3])]`,
      );
      expect(() => matMul(zeros([3]), zeros([3, 2]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: matMul: expected matrices (rank >= 2), got a [3] and b [3,2] (use unsqueeze for a vector)]`,
      );
      expect(() =>
        matMul(zeros([2, 2]), zeros([2, 2], "float64")),
      ).toThrowErrorMatchingInlineSnapshot(
        `[DTypeError: matMul: dtypes differ: a is float32, b is float64 (convert one with cast())]`,
      );
    });
  });

  describe("broadcasting and dtypes", () => {
    it("shapes that do not broadcast", () => {
      expect(() => add(zeros([2, 3]), zeros([4]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: add: shapes do not broadcast: a is [2,3], b is [4] (axis -1 has 3 and 4)]`,
      );
      expect(() => add(zeros([5, 2, 3]), zeros([4, 1, 3]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: add: shapes do not broadcast: a is [5,2,3], b is [4,1,3] (axis -3 has 5 and 4)]`,
      );
      expect(() => where(zeros([2]), zeros([3]), 0)).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: where: shapes do not broadcast: condition is [2], a is [3], b is [] (axis -1 has 2, 3, 1)]`,
      );
      expect(() => expand(zeros([2, 3]), [4, 3])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: expand: cannot broadcast [2,3] to [4,3] (each axis must match or be 1; new axes go in front)]`,
      );
    });

    it("dtype mismatch and int32 where a float is needed", () => {
      expect(() => add(zeros([2]), zeros([2], "int32"))).toThrowErrorMatchingInlineSnapshot(
        `[DTypeError: add: dtypes differ: a is float32, b is int32 (convert one with cast())]`,
      );
      expect(() => softmax(int([1, 2]))).toThrowErrorMatchingInlineSnapshot(
        `[DTypeError: softmax: expected a float32 or float64 tensor, got int32]`,
      );
      expect(() => less(int([1, 2]), 1.5)).toThrowErrorMatchingInlineSnapshot(
        `[DTypeError: less: the number 1.5 is not an int32, so it cannot meet an int32 tensor; cast the tensor to float32 first]`,
      );
      expect(() => gather(zeros([3, 2]), tensor([0, 1]))).toThrowErrorMatchingInlineSnapshot(
        `[DTypeError: gather: indices must be int32, got float32]`,
      );
      expect(() => add(1, 2)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: add: at least one operand must be a tensor]`,
      );
    });

    it("error classes carry stable codes", () => {
      const shape = thrown(() => add(zeros([2]), zeros([3])));
      expect(shape).toBeInstanceOf(ShapeError);
      expect(shape.code).toBe("SHAPE");
      const dtype = thrown(() => add(zeros([2]), zeros([2], "float64")));
      expect(dtype).toBeInstanceOf(DTypeError);
      expect(dtype.code).toBe("DTYPE");
      const arg = thrown(() => sum(zeros([2]), 3));
      expect(arg).toBeInstanceOf(TensorError);
      expect(arg.code).toBe("ARGUMENT");
      expect(thrown(() => ones([2]).item())).toBeInstanceOf(ShapeError);
    });
  });

  describe("views", () => {
    it("bad reshape", () => {
      expect(() => reshape(zeros([2, 3]), [4])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: reshape: cannot view [2,3] (6 elements) as [4]]`,
      );
      expect(() => reshape(zeros([2, 3]), [-1, 4])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: reshape: cannot view [2,3] (6 elements) as [-1,4]]`,
      );
      expect(() => reshape(zeros([2, 3]), [-1, -1])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: reshape: at most one dimension may be -1, got [-1,-1]]`,
      );
      expect(() => reshape(zeros([2, 3]), [-2, -3])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: reshape: a shape holds non-negative integers and at most one -1, got [-2,-3]]`,
      );
    });

    it("bad axes", () => {
      expect(() => sum(zeros([2, 3]), 2)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: sum: axis 2 is out of range for a tensor of rank 2 (expected -2..1)]`,
      );
      expect(() => softmax(zeros([2, 3]), -3)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: softmax: axis -3 is out of range for a tensor of rank 2 (expected -2..1)]`,
      );
      expect(() => argmax(tensor(1), 0)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: argmax: axis 0 is out of range: a scalar (rank 0) has no axes]`,
      );
      expect(() => permute(zeros([2, 3]), [0, 0])).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: permute: expected a permutation of 2 axes, got [0,0] for shape [2,3]]`,
      );
      expect(() => squeeze(zeros([2, 3]), 0)).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: squeeze: axis 0 has size 2, not 1 (shape [2,3])]`,
      );
      expect(() => transpose(zeros([3]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: transpose: expected at least 2 dimensions, got [3]]`,
      );
      expect(() => flatten(zeros([2, 3, 4]), 2, 0)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: flatten: start axis 2 comes after end axis 0 for shape [2,3,4]]`,
      );
      expect(() => sum(zeros([2]), 0.5)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: sum: an axis is an integer, got 0.5]`,
      );
    });

    it("pad widths", () => {
      expect(() => pad(zeros([2]), [-1], [0])).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: pad: widths must be non-negative integers, got before [-1] and after [0]]`,
      );
      expect(() => pad(zeros([2]), [1, 1], [0])).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: pad: expected 1 widths before and after for shape [2], got 2 and 1]`,
      );
    });
  });

  describe("indexing", () => {
    it("index out of range names the op, value, axis, shape and position", () => {
      expect(() => gather(zeros([3, 2]), int([0, 3]))).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: gather: index 3 is out of range for axis 0 of x [3,2] (expected 0..2; at flat position 1 of indices [2])]`,
      );
      expect(() => gather(zeros([3, 2]), int([-1]), 1)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: gather: index -1 is out of range for axis 1 of x [3,2] (expected 0..1; at flat position 0 of indices [1])]`,
      );
      expect(() => oneHot(int([4]), 4)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: oneHot: index 4 is out of range for depth 4 (expected 0..3; at flat position 0 of indices [1])]`,
      );
      expect(() =>
        scatterAdd(zeros([2, 2]), int([0, 5]), 0, [3, 2]),
      ).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: scatterAdd: index 5 is out of range for axis 0 of [3,2] (expected 0..2; at flat position 1 of indices [2])]`,
      );
      expect(() =>
        scatterAdd(zeros([3, 2]), int([0, 1]), 0, [3, 2]),
      ).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: scatterAdd: updates must be [2,2] for indices [2] into [3,2], got [3,2]]`,
      );
      expect(() => oneHot(int([0]), 0)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: oneHot: depth must be a positive integer, got 0]`,
      );
    });
  });

  describe("joins", () => {
    it("concat, stack and split mismatches", () => {
      expect(() => concat([zeros([2, 3]), zeros([2, 4])])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: concat: tensor 1 is [2,4] but tensor 0 is [2,3]; all axes except 0 must match]`,
      );
      expect(() => concat([])).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: concat: expected at least one tensor]`,
      );
      expect(() => stack([zeros([2]), zeros([3])])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: stack: tensor 1 is [3] but tensor 0 is [2]; all must match]`,
      );
      expect(() => split(zeros([5]), 2)).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: split: axis 0 of [5] has 5 elements, which 2 parts do not divide evenly]`,
      );
      expect(() => split(zeros([5]), [2, 2])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: split: sizes [2,2] add up to 4, but axis 0 of [5] has 5]`,
      );
      expect(() => split(zeros([5]), [6, -1])).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: split: sizes must be non-negative integers, got [6,-1]]`,
      );
    });
  });

  describe("creation", () => {
    it("ragged nested arrays", () => {
      expect(() => tensor([[1, 2], [3]])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: tensor: ragged nested array: expected 2 items at data[1], got 1 item]`,
      );
      expect(() => tensor([[1, 2], 3])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: tensor: ragged nested array: expected 2 items at data[1], got a number]`,
      );
      expect(() => tensor([1, [2]])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: tensor: ragged nested array: expected a number at data[1], got an array]`,
      );
      expect(() =>
        tensor([
          [
            [1, 2],
            [3, 4],
          ],
          [[5, 6], [7]],
        ]),
      ).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: tensor: ragged nested array: expected 2 items at data[1][1], got 1 item]`,
      );
    });

    it("shapes that do not fit the data, negative and fractional sizes", () => {
      expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: tensor: shape [2,2] holds 4 elements, but 3 were given]`,
      );
      expect(() => zeros([2, -1])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: zeros: a shape holds non-negative integers, got [2,-1]]`,
      );
      expect(() => ones([1.5])).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: ones: a shape holds non-negative integers, got [1.5]]`,
      );
    });
  });

  describe("reductions, clip, random", () => {
    it("argument checks", () => {
      expect(() => max(zeros([2, 0]), 1)).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: max: cannot reduce over an empty axis: axes [1] of [2,0] hold no elements]`,
      );
      expect(() => argmax(zeros([2, 0]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: argmax: axis 1 of [2,0] is empty]`,
      );
      expect(() => clip(zeros([2]), 1, -1)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: clip: min must be <= max, got min 1 and max -1]`,
      );
      expect(() => ones([2]).item()).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: item: expected a tensor with one element, got shape [2]]`,
      );
      expect(() => new Generator(0).bernoulli([2], 1.5)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: bernoulli: p must be in [0, 1], got 1.5]`,
      );
      expect(() =>
        new Generator(0).categorical(tensor([[1, -1]])),
      ).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: categorical: probabilities must be finite and >= 0, got -1 in row 0]`,
      );
      expect(() =>
        new Generator(0).categorical(tensor([[0, 0]])),
      ).toThrowErrorMatchingInlineSnapshot(`[TensorError: categorical: row 0 of probs sums to 0]`);
      expect(() => new Generator(0).categorical(zeros([2, 0]))).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: categorical: probs must have at least one category on its last axis, got [2,0]]`,
      );
      expect(() => new Generator(0).permutation(-1)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: permutation: n must be a non-negative integer, got -1]`,
      );
      expect(() => new Generator(0).randint([2], 3, 3)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: randint: high must be > low, got low 3 and high 3]`,
      );
      expect(() => cast(zeros([2]), "int32").item()).toThrowErrorMatchingInlineSnapshot(
        `[ShapeError: item: expected a tensor with one element, got shape [2]]`,
      );
    });
  });

  describe("use after dispose", () => {
    it("in an op, a read, and after a tidy", () => {
      const x = ones([2]);
      x.dispose();
      expect(() => add(x, x)).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: add: a tensor was used after it was disposed (created inside a tidy() that has ended? return it from the tidy or keep() it)]`,
      );
      expect(() => x.toArray()).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: toArray: a tensor was used after it was disposed (created inside a tidy() that has ended? return it from the tidy or keep() it)]`,
      );
      const leaked: ReturnType<typeof ones>[] = [];
      tidy(() => {
        leaked.push(ones([2]));
      });
      expect(() =>
        matMul(leaked[0] as ReturnType<typeof ones>, ones([2, 2])),
      ).toThrowErrorMatchingInlineSnapshot(
        `[TensorError: matMul: a tensor was used after it was disposed (created inside a tidy() that has ended? return it from the tidy or keep() it)]`,
      );
    });
  });

  it("setBackend names the registered backends", () => {
    const error = thrown(() => setBackend("webgpu"));
    expect(error.code).toBe("BACKEND");
    expect(error.message).toBe(
      `setBackend: unknown backend "webgpu"; registered: ${listBackends().join(", ")}`,
    );
  });
}
