/**
 * createRollout against SequenceModel.forward over the whole sequence, for
 * each input encoding (one-hot ids, embedding, features) and cells of
 * different shapes (a cell with two rounds of products; the AR window read
 * element-wise), two layers; and the models it declines.
 */
import { Generator, reshape, slice, type Tensor, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { type Cell, createCell } from "./cell.js";
import { ar } from "./cells/ar.js";
import { gru } from "./cells/gru.js";
import { lstm } from "./cells/lstm.js";
import { createRollout, rolloutUnavailable } from "./rollout.js";
import { SequenceModel, type SequenceModelOptions } from "./sequence-model.js";

const [T, B] = [6, 3];

const cases: [string, () => Cell, SequenceModelOptions["input"], number][] = [
  ["lstm, one-hot", () => createCell(lstm, { hidden: 5 }), { kind: "one-hot", vocab: 7 }, 2],
  [
    "gru reset-before, embedding",
    () => createCell(gru, { hidden: 4, resetAfter: false }),
    { kind: "embedding", vocab: 7, size: 3 },
    2,
  ],
  ["ar, features", () => createCell(ar, { tau: 3, hidden: 2 }), { kind: "features", size: 2 }, 1],
];

describe("createRollout", () => {
  it.each(cases)(
    "%s: each step equals forward over the whole sequence",
    (_name, make, input, layers) => {
      const model = new SequenceModel(make(), { input, outputSize: 4, numLayers: layers, seed: 3 });
      const rollout = createRollout(model, B);
      expect(rollout).not.toBeNull();
      const g = new Generator(5);
      const x =
        input.kind === "features"
          ? g.normal([T, B, input.size])
          : g.randint([T, B], 0, input.vocab);
      const expected = model.forward(x).output; // [T, B, 4]
      for (let t = 0; t < T; t++) {
        const row = reshape(
          slice(x, [t], [t + 1]),
          input.kind === "features" ? [B * input.size] : [B],
        );
        const got =
          input.kind === "features"
            ? rollout?.stepFeatures(row.data())
            : rollout?.stepTokens(row.data());
        const want = reshape(slice(expected, [t], [t + 1]), [B * 4]).data();
        Array.from(got as Float32Array).forEach((v, i) => {
          expect(v).toBeCloseTo(want[i] as number, 5);
        });
      }
      rollout?.dispose();
    },
  );

  it("declines a bidirectional model, and says why", () => {
    const model = new SequenceModel(createCell(lstm, { hidden: 3 }), {
      input: { kind: "one-hot", vocab: 4 },
      outputSize: 4,
      bidirectional: true,
    });
    expect(createRollout(model)).toBeNull();
    expect(rolloutUnavailable(model)).toBe("a bidirectional model needs the whole sequence");
  });

  it("continues from a state it was given", () => {
    const model = new SequenceModel(createCell(lstm, { hidden: 3 }), {
      input: { kind: "one-hot", vocab: 4 },
      outputSize: 4,
      seed: 1,
    });
    const ids = tensor([[1], [2], [3]], { dtype: "int32" });
    const first = model.forward(slice(ids, [0], [2]) as Tensor);
    const whole = model.forward(ids).output;
    const rollout = createRollout(model, 1);
    rollout?.setState(first.state);
    const got = Array.from(rollout?.stepTokens([3]) as Float32Array);
    const want = Array.from(reshape(slice(whole, [2], [3]), [4]).data());
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 5);
    });
  });
});
