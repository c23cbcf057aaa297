import { Linear } from "@recurrent/nn";
import { z } from "@recurrent/registry";
import {
  argmax,
  Generator,
  listBackends,
  matMul,
  mul,
  oneHot,
  reshape,
  setBackend,
  sum,
  type Tensor,
  tanh,
  tensor,
} from "@recurrent/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { defineCell } from "./cell.js";
import { gru } from "./cells/gru.js";
import { lstm } from "./cells/lstm.js";
import { rnn } from "./cells/rnn.js";
import { Recurrent } from "./recurrent.js";
import { Stepper } from "./stepper.js";

const cells = [
  ["lstm", () => lstm.create({ hidden: 6 })],
  ["gru", () => gru.create({ hidden: 6 })],
  ["gru reset-before", () => gru.create({ hidden: 6, resetAfter: false })],
  ["rnn relu", () => rnn.create({ hidden: 6, nonlinearity: "relu" })],
  ["rnn tanh", () => rnn.create({ hidden: 6 })],
] as const;

describe.each(listBackends())("Stepper on %s", (backend) => {
  beforeEach(() => {
    setBackend(backend);
  });

  it.each(cells)(
    "%s: equals Recurrent.forward step by step, with a head, over two layers",
    (_name, make) => {
      const [V, B, T] = [5, 3, 7];
      const recurrent = new Recurrent(make(), { inputSize: V, numLayers: 2, seed: 4 });
      const head = new Linear(6, V, { generator: new Generator(9) });
      const stepper = new Stepper(recurrent, { batch: B, head });
      const ids = new Generator(2).randint([T, B], 0, V);
      // Reference: the whole sequence at once.
      const { output } = recurrent.forward(oneHot(ids, V));
      const expected = head.forward(reshape(output, [T * B, 6])).toArray() as number[][];
      const rows = ids.toArray() as number[][];
      for (let t = 0; t < T; t++) {
        const logits = stepper.stepTokens(rows[t] as number[]);
        for (let b = 0; b < B; b++) {
          for (let v = 0; v < V; v++) {
            // float32 both ways, the same kernels: agreement to 1e-5.
            expect(logits[b * V + v]).toBeCloseTo(
              (expected[t * B + b] as number[])[v] as number,
              5,
            );
          }
        }
      }
      // The carried state equals forward's final state.
      const { state } = recurrent.forward(oneHot(ids, V));
      const got = stepper.getState();
      for (const part of Object.keys(state)) {
        const a = Array.from((got[part] as Tensor).data());
        const b = Array.from((state[part] as Tensor).data());
        a.forEach((v, i) => {
          expect(v).toBeCloseTo(b[i] as number, 5);
        });
      }
      stepper.reset();
      expect(Array.from((stepper.getState().h as Tensor).data()).every((v) => v === 0)).toBe(true);
    },
  );

  it("greedy generation picks the argmax and continues from a given state", () => {
    const recurrent = new Recurrent(lstm.create({ hidden: 4 }), { inputSize: 3, seed: 1 });
    const stepper = new Stepper(recurrent);
    stepper.setState(recurrent.initialState(1));
    const first = stepper.stepTokens([2]);
    expect(Array.from(first)).toHaveLength(4);
    const reference = recurrent.forward(oneHot(tensor([[2]], { dtype: "int32" }), 3)).output;
    expect(argmax(reference, -1).item()).toBe(first.indexOf(Math.max(...first)));
  });

  it("refuses cells and layouts it cannot serve", () => {
    const bidirectional = new Recurrent(lstm.create({ hidden: 4 }), {
      inputSize: 3,
      bidirectional: true,
    });
    expect(() => new Stepper(bidirectional)).toThrow(/bidirectional/);
    const normed = defineCell({
      name: "test/normed",
      description: "h = tanh(W x) · Σ tanh(W x)",
      schema: z.object({ hidden: z.number().int().positive().default(4) }),
      params: ({ input, hidden }) => ({ w: [hidden, input] }),
      state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
      outputSize: ({ hidden }) => hidden,
      step: (x, _state, p) => {
        const a = tanh(matMul(x, p.w as Tensor, { transposeB: true }));
        const next = mul(a, sum(a, [1], { keepDims: true }));
        return { output: next, state: { h: next } };
      },
    });
    const model = new Recurrent(normed.create({}), { inputSize: 3 });
    expect(() => new Stepper(model)).toThrowErrorMatchingInlineSnapshot(
      `[CellError: Stepper: test/normed has no derived one-step path (Sum has no element-wise lowering); run Recurrent.forward one step at a time instead]`,
    );
  });
});
