import { backward, gradcheck } from "@recurrent/autograd";
import { Generator, mul, sum, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { Embedding, embedding } from "./embedding.js";
import { gradcheckParameters } from "./testing/helpers.js";

const ids = (values: number[][]) => tensor(values, { dtype: "int32" });

describe("Embedding", () => {
  it("looks up rows: ids [...] → [..., dim]", () => {
    const table = new Embedding(4, 2, { generator: new Generator(0) });
    table.weight.assign(
      tensor([
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
      ]),
    );
    expect(
      table
        .forward(
          ids([
            [3, 0],
            [1, 1],
          ]),
        )
        .toArray(),
    ).toEqual([
      [
        [6, 7],
        [0, 1],
      ],
      [
        [2, 3],
        [2, 3],
      ],
    ]);
  });

  it("initialises N(0, 1) and zeroes the padding row (negative paddingIdx counts from the end)", () => {
    const table = new Embedding(200, 50, { generator: new Generator(3), paddingIdx: -1 });
    expect(table.paddingIdx).toBe(199);
    const w = Array.from(table.weight.data());
    expect(w.slice(199 * 50)).toEqual(new Array(50).fill(0));
    const rest = w.slice(0, 199 * 50);
    const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
    const std = Math.sqrt(rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length);
    // 9950 samples of N(0,1): mean within 4σ/√n ≈ 0.04, std within ~3%
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });

  it("accumulates gradients of repeated ids and gives the padding row none", () => {
    const table = new Embedding(4, 2, { generator: new Generator(0), paddingIdx: 1 });
    table.weight.assign(
      tensor([
        [0, 1],
        [9, 9],
        [4, 5],
        [6, 7],
      ]),
    ); // a non-zero padding row is returned as is
    const out = table.forward(ids([[2, 1, 2, 0]]));
    expect(out.toArray()).toEqual([
      [
        [4, 5],
        [9, 9],
        [4, 5],
        [0, 1],
      ],
    ]);
    backward(
      sum(
        mul(
          out,
          tensor([
            [
              [1, 2],
              [3, 4],
              [5, 6],
              [7, 8],
            ],
          ]),
        ),
      ),
    );
    // by hand: row 0 ← [7,8]; row 1 (padding) ← 0; row 2 ← [1,2] + [5,6]; row 3 unused
    expect(table.weight.grad?.toArray()).toEqual([
      [7, 8],
      [0, 0],
      [6, 8],
      [0, 0],
    ]);
  });

  it("passes gradcheck in float64, with and without padding", () => {
    const g = new Generator(4);
    const index = ids([
      [0, 2, 2],
      [3, 0, 1],
    ]);
    gradcheck((w, i) => embedding(i, w), [g.normal([4, 3], 0, 1, "float64"), index]);
    // the padding row is not used here, so every entry's numeric gradient is the true one
    gradcheck(
      (w, i) => embedding(i, w, { paddingIdx: 4 }),
      [g.normal([5, 3], 0, 1, "float64"), index],
    );
    const table = new Embedding(5, 3, { generator: g, dtype: "float64", paddingIdx: 4 });
    gradcheckParameters(table, () => table.forward(index));
  });

  it("rejects float ids and bad padding indices", () => {
    const table = new Embedding(4, 2, { generator: new Generator(0) });
    expect(() => table.forward(tensor([1, 2]))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Embedding: ids must be int32, got float32 [2]]`,
    );
    expect(
      () => new Embedding(4, 2, { generator: new Generator(0), paddingIdx: 4 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Embedding: paddingIdx must be an integer in -4..3, got 4]`,
    );
    expect(() => table.forward(ids([[4]]))).toThrow(/index 4 is out of range/);
  });
});
