/**
 * The Markov model two ways: fitted exactly by counting, and trained by
 * gradient descent (one-hot x_t → markov cell → Linear head, cross-entropy,
 * Adam), which must converge to the counted table.
 */
import { backward } from "@recurrent/autograd";
import { crossEntropy } from "@recurrent/nn";
import { exp, Generator, logSoftmax, reshape, slice, type Tensor, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createCell } from "./cell.js";
import { markov } from "./cells/markov.js";
import { countTransitions, loadMarkovTable } from "./markov-counts.js";
import { SequenceModel } from "./sequence-model.js";
import { adam, expectClose } from "./testing/helpers.js";

describe("countTransitions", () => {
  it("counts, and smooths additively", () => {
    const plain = countTransitions([[0, 1, 1, 2, 0]], 3, { smoothing: 0 });
    expect(plain.counts.toArray()).toEqual([
      [0, 1, 0],
      [0, 1, 1],
      [1, 0, 0],
    ]);
    // Row 1: 1→1 once, 1→2 once; an unseen transition has log 0 = −∞ without smoothing.
    expect(Array.from(exp(plain.logProbs).data()).slice(3, 6)).toEqual([0, 0.5, 0.5]);
    const laplace = countTransitions([[0, 1, 1, 2, 0]], 3); // α = 1
    // (count + 1) / (2 + 3)
    expectClose(
      exp(laplace.logProbs),
      [1 / 4, 2 / 4, 1 / 4, 1 / 5, 2 / 5, 2 / 5, 2 / 4, 1 / 4, 1 / 4],
      {
        rtol: 1e-6,
      },
    );
  });

  it("reads [time, batch] columns with a mask, and a never-seen row is uniform", () => {
    // Two columns: 0 1 2 (all real) and 2 2 pad.
    const ids = tensor(
      [
        [0, 2],
        [1, 2],
        [2, 0],
      ],
      { dtype: "int32" },
    );
    const mask = tensor([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
    const { counts, logProbs } = countTransitions(ids, 4, { mask, smoothing: 0 });
    expect(counts.toArray()).toEqual([
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
    ]);
    expectClose(slice(exp(logProbs), [3], [4]), [0.25, 0.25, 0.25, 0.25], { rtol: 1e-6 });
  });

  it("names bad ids and shapes", () => {
    expect(() => countTransitions([[0, 3]], 3)).toThrowErrorMatchingInlineSnapshot(
      `[CellError: countTransitions: token ids must be in 0..2, got 3]`,
    );
    expect(() => countTransitions(tensor([0.5, 1]), 3)).toThrowErrorMatchingInlineSnapshot(
      `[CellError: countTransitions: sequences must be int32 [time] or [time, batch], got float32 [2]]`,
    );
  });
});

/** A chain over 4 states with a known transition matrix. */
const P = [
  [0.1, 0.6, 0.2, 0.1],
  [0.3, 0.1, 0.5, 0.1],
  [0.25, 0.25, 0.25, 0.25],
  [0.7, 0.05, 0.05, 0.2],
];
const V = 4;

/** [time, batch] ids: `batch` independent runs of the chain, `time` steps each. */
function sampleChain(time: number, batch: number, seed: number): Tensor {
  const g = new Generator(seed);
  const ids = new Int32Array(time * batch);
  for (let b = 0; b < batch; b++) {
    let state = g.nextInt(V);
    for (let t = 0; t < time; t++) {
      ids[t * batch + b] = state;
      const u = g.nextFloat();
      let acc = 0;
      let next = V - 1;
      for (let j = 0; j < V; j++) {
        acc += (P[state] as number[])[j] as number;
        if (u < acc) {
          next = j;
          break;
        }
      }
      state = next;
    }
  }
  return tensor(ids, { shape: [time, batch], dtype: "int32" });
}

/** softmax of the model's logits for each current state 0 … V−1, as a [V, V] table. */
function modelTable(model: SequenceModel): Tensor {
  const ids = tensor([[0, 1, 2, 3]], { dtype: "int32" }); // one step, batch of every state
  return reshape(exp(logSoftmax(model.forward(ids).output)), [V, V]);
}

describe("markov: counting and gradient descent agree", () => {
  const [T, B] = [3, 1000];
  const ids = sampleChain(T, B, 7);
  const inputs = slice(ids, [0], [T - 1]);
  const targets = slice(ids, [1], [T]);
  const counted = countTransitions(ids, V, { smoothing: 0 });
  const build = () =>
    new SequenceModel(createCell(markov), {
      input: { kind: "one-hot", vocab: V },
      outputSize: V,
      seed: 3,
    });

  it("the counted table is close to the chain's matrix (2000 transitions)", () => {
    expectClose(exp(counted.logProbs), P.flat(), { rtol: 0, atol: 0.05 });
  });

  it("loadMarkovTable makes the model compute the counted probabilities exactly", () => {
    const model = build();
    loadMarkovTable(model, counted.logProbs);
    expectClose(modelTable(model), exp(counted.logProbs), { rtol: 1e-6, atol: 1e-7 });
  });

  it("the gradient-trained model converges to the counted table (cross-entropy, Adam)", () => {
    const model = build();
    const step = adam(model.parameters(), 0.1);
    let loss = 0;
    for (let i = 0; i < 100; i++) {
      model.zeroGrad();
      const value = crossEntropy(model.forward(inputs).output, targets);
      backward(value);
      step();
      loss = value.item();
    }
    // The counted table is the maximum-likelihood fit of the same transitions:
    // its cross-entropy is the floor the trained model approaches.
    const exact = build();
    loadMarkovTable(exact, counted.logProbs);
    const floor = crossEntropy(exact.forward(inputs).output, targets).item();
    expect(loss).toBeGreaterThanOrEqual(floor - 1e-5);
    // Measured: gap ≈ 2e-6 nats, largest probability difference ≈ 8e-4.
    expect(loss - floor).toBeLessThan(1e-4);
    expectClose(modelTable(model), exp(counted.logProbs), { rtol: 0, atol: 0.005 });
  });
});
