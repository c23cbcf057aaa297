// Lengths as a mask: what they build and what they refuse. Their numerics against PyTorch's
// pack_padded_sequence(enforce_sorted=False) are in torch-parity.test.ts.
import { Generator, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createCell } from "./cell.js";
import { gru } from "./cells/gru.js";
import { lengthsToMask } from "./lengths.js";
import { Recurrent } from "./recurrent.js";

describe("lengths", () => {
  it("build the right-padded [time, batch] mask, from an Int32Array or an int32 tensor", () => {
    const expected = [
      [1, 1, 1],
      [1, 0, 1],
      [0, 0, 1],
    ];
    expect(
      lengthsToMask(Int32Array.of(2, 1, 3), 3, 3, "float32", "t", {
        enforceSorted: false,
      }).toArray(),
    ).toEqual(expected);
    const ids = tensor([2, 1, 3], { dtype: "int32" });
    expect(lengthsToMask(ids, 3, 3, "float64", "t", { enforceSorted: false }).toArray()).toEqual(
      expected,
    );
  });

  it("give Recurrent the same results as the mask they stand for, batch-first too", () => {
    const model = new Recurrent(createCell(gru, { hidden: 4 }), {
      inputSize: 2,
      bidirectional: true,
      batchFirst: true,
    });
    const x = new Generator(3).normal([3, 5, 2]); // [batch, time, features]
    const lengths = Int32Array.of(5, 2, 4);
    const mask = tensor(
      Array.from(lengths, (l) => Array.from({ length: 5 }, (_, t) => (t < l ? 1 : 0))),
    );
    const byMask = model.forward(x, { mask });
    const byLengths = model.forward(x, { lengths, enforceSorted: false });
    expect(byLengths.output.toArray()).toEqual(byMask.output.toArray());
    expect(byLengths.state.h?.toArray()).toEqual(byMask.state.h?.toArray());
  });

  it("refuse what PyTorch refuses, saying where, what and what came", () => {
    const model = new Recurrent(createCell(gru, { hidden: 2 }), { inputSize: 1 });
    const x = new Generator(1).normal([4, 3, 1]); // [time, batch, features]
    expect(() =>
      model.forward(x, { lengths: Int32Array.of(2, 4, 1) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: gru: lengths must be in decreasing order with enforceSorted (PyTorch's default), got 2 then 4 at rows 0, 1; pass enforceSorted: false for any order]`,
    );
    expect(() =>
      model.forward(x, { lengths: Int32Array.of(5, 4, 1) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: gru: lengths must be in 1..4 (the input's time steps), got 5 for row 0]`,
    );
    expect(() =>
      model.forward(x, { lengths: Int32Array.of(4, 1) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: gru: lengths must hold one length per row, [3], got [2]]`,
    );
    expect(() =>
      model.forward(x, { lengths: tensor([4, 2, 1]) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: gru: lengths must be an Int32Array or an int32 tensor [batch], got float32 [3]]`,
    );
    expect(() =>
      model.forward(x, { lengths: Int32Array.of(4, 2, 1), mask: tensor([[1, 1, 1]]) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: gru: give either mask or lengths, not both (lengths become a mask)]`,
    );
  });
});
