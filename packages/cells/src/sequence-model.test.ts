/** SequenceModel: encoding → Recurrent → Linear head, in each of its three input kinds. */
import { Generator, slice, sum, type Tensor, tensor, zeros } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createCell } from "./cell.js";
import { gru } from "./cells/gru.js";
import { lstm } from "./cells/lstm.js";
import { rnn } from "./cells/rnn.js";
import { gradientFlow, normsOverTime } from "./gradient-flow.js";
import { detachState } from "./runner.js";
import { SequenceModel } from "./sequence-model.js";
import { expectClose } from "./testing/helpers.js";

const ids = tensor(
  [
    [1, 0, 4],
    [2, 2, 3],
    [0, 4, 1],
    [3, 1, 1],
  ],
  { dtype: "int32" },
); // [time 4, batch 3]

describe("SequenceModel", () => {
  it("one-hot tokens → logits for every step, and the final state", () => {
    const model = new SequenceModel(createCell(lstm, { hidden: 6 }), {
      input: { kind: "one-hot", vocab: 5 },
      outputSize: 5,
      numLayers: 2,
    });
    const { output, state, hidden } = model.forward(ids);
    expect(output.shape).toEqual([4, 3, 5]);
    expect(hidden.shape).toEqual([4, 3, 6]);
    expect(state.h?.shape).toEqual([2, 3, 6]);
    expect(state.c?.shape).toEqual([2, 3, 6]);
    expect(Object.keys(model.stateDict())).toEqual([
      ...["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((k) => `recurrent.${k}_l0`),
      ...["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((k) => `recurrent.${k}_l1`),
      "head.weight",
      "head.bias",
    ]);
    expect(model.toString()).toMatchInlineSnapshot(`
      "SequenceModel(one-hot 5 → lstm → 5
        (recurrent): Recurrent(lstm(hidden=6, forgetBias=0, bias=true, projSize=0), inputSize=5, numLayers=2)
        (head): Linear(in=6, out=5, bias=true)
      )"
    `);
  });

  it("embedded tokens, batch first, bidirectional: the head reads both directions", () => {
    const model = new SequenceModel(createCell(gru, { hidden: 4 }), {
      input: { kind: "embedding", vocab: 5, size: 3, paddingIdx: 0 },
      outputSize: 7,
      bidirectional: true,
      batchFirst: true,
    });
    const { output } = model.forward(tensor(ids.toTypedArray(), { shape: [3, 4], dtype: "int32" }));
    expect(output.shape).toEqual([3, 4, 7]);
    expect(model.head.inFeatures).toBe(8);
    expect(model.embedding?.weight.shape).toEqual([5, 3]);
    expect(Object.keys(model.stateDict())[0]).toBe("embedding.weight");
  });

  it("features in, predictions out; the state carries across calls as one long call", () => {
    const model = new SequenceModel(createCell(rnn, { hidden: 5 }), {
      input: { kind: "features", size: 2 },
      outputSize: 1,
      seed: 4,
    });
    const x = new Generator(2).normal([8, 2, 2]);
    const whole = model.forward(x);
    const first = model.forward(slice(x, [0], [4]));
    const second = model.forward(slice(x, [4], [8]), { state: detachState(first.state) });
    expectClose(second.output, slice(whole.output, [4], [8]), { rtol: 1e-5, atol: 1e-6 }); // float32
  });

  it("passes the mask and onStep through (gradientFlow takes a SequenceModel)", () => {
    const model = new SequenceModel(createCell(lstm, { hidden: 3 }), {
      input: { kind: "one-hot", vocab: 5 },
      outputSize: 5,
    });
    const mask = tensor([
      [1, 1, 1],
      [1, 1, 1],
      [1, 0, 1],
      [1, 0, 0],
    ]);
    const padded = model.forward(ids, { mask });
    // Padded steps: the recurrent part outputs zeros, so the head gives its bias alone.
    const lastHidden = Array.from(slice(padded.hidden, [3], [4]).data());
    expect(lastHidden.slice(3)).toEqual([0, 0, 0, 0, 0, 0]); // batch rows 1 and 2 end before step 3
    expect(lastHidden.slice(0, 3).every((v) => v !== 0)).toBe(true);
    const bias = Array.from((model.head.bias as Tensor).data());
    expect(Array.from(slice(padded.output, [3, 1], [4, 2]).data())).toEqual(bias);
    const report = gradientFlow(model, ids, ({ output }) => sum(slice(output, [3], [4])), {
      mask,
    });
    expect(normsOverTime(report.points)).toHaveLength(4);
  });

  it("says what it wants", () => {
    const model = new SequenceModel(createCell(rnn, { hidden: 2 }), {
      input: { kind: "one-hot", vocab: 5 },
      outputSize: 5,
    });
    expect(() => model.forward(zeros([4, 3, 5]))).toThrowErrorMatchingInlineSnapshot(
      `[CellError: SequenceModel: one-hot input must be int32 token ids [time, batch], got float32 [4, 3, 5]]`,
    );
    expect(
      () =>
        new SequenceModel(createCell(rnn), {
          input: { kind: "embedding", vocab: 0, size: 4 },
          outputSize: 2,
        }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[CellError: SequenceModel: input.vocab must be a positive integer, got 0]`,
    );
  });
});
