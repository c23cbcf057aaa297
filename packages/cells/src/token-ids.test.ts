/**
 * Token ids as the input of `Recurrent`: int32 [T, B] standing for one-hot
 * rows. The derived fused path looks W_ih's columns up instead of
 * multiplying by the one-hot matrix (where the cell reads x only through
 * that product); every other path gets the one-hot rows.
 * Either way the model must be the one that reads `oneHot(ids)`: the same
 * outputs, final states and parameter gradients. Plus gradcheck of the lookup
 * path and the error for an id out of range.
 */
import { backward, gradcheck, requireGrad } from "@recurrent/autograd";
import { add, Generator, mul, oneHot, sum, type Tensor, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { type Cell, createCell } from "./cell.js";
import { gru } from "./cells/gru.js";
import { lstm } from "./cells/lstm.js";
import { rnn } from "./cells/rnn.js";
import { runDerived } from "./compile/derived.js";
import { Recurrent, type RecurrentOptions } from "./recurrent.js";
import { expectClose } from "./testing/helpers.js";

const V = 7;
const [T, B] = [5, 3];

const kinds: [string, () => Cell][] = [
  ["lstm", () => createCell(lstm, { hidden: 6 })],
  ["gru", () => createCell(gru, { hidden: 6 })],
  ["gru reset-before", () => createCell(gru, { hidden: 6, resetAfter: false })],
  ["rnn relu", () => createCell(rnn, { hidden: 6, nonlinearity: "relu" })],
];

const layouts: Omit<RecurrentOptions, "inputSize">[] = [
  { numLayers: 1 },
  { numLayers: 2, bidirectional: true, batchFirst: true },
];

function ids(seed: number, batchFirst: boolean): Tensor {
  const g = new Generator(seed);
  return g.randint(batchFirst ? [B, T] : [T, B], 0, V);
}

/** Outputs, final state and every parameter gradient of Σ output·p + Σ h·q. */
function run(model: Recurrent, input: Tensor, truncate?: number) {
  const result = model.forward(input, truncate === undefined ? {} : { truncate });
  const g = new Generator(5);
  const loss = sum(mul(result.output, g.normal(result.output.shape)));
  const h = result.state.h as Tensor;
  backward(add(loss, sum(mul(h, g.normal(h.shape)))));
  const grads = model.namedParameters().map(([name, p]) => [name, p.grad as Tensor] as const);
  return { output: result.output, h, grads };
}

describe("token ids equal one-hot rows", () => {
  for (const [name, make] of kinds) {
    for (const layout of layouts) {
      it(`${name}, ${JSON.stringify(layout)}`, () => {
        const x = ids(3, layout.batchFirst ?? false);
        const viaIds = new Recurrent(make(), { inputSize: V, seed: 1, ...layout });
        const viaOneHot = new Recurrent(make(), { inputSize: V, seed: 1, ...layout });
        const a = run(viaIds, x);
        const b = run(viaOneHot, oneHot(x, V));
        expectClose(a.output, b.output, { rtol: 1e-6, atol: 1e-6, label: "output" });
        expectClose(a.h, b.h, { rtol: 1e-6, atol: 1e-6, label: "h" });
        a.grads.forEach(([param, grad], i) => {
          expectClose(grad, b.grads[i]?.[1] as Tensor, { rtol: 1e-5, atol: 1e-6, label: param });
        });
      });
    }
  }

  it("on the step path too (truncated BPTT)", () => {
    const x = ids(4, false);
    const viaIds = new Recurrent(createCell(lstm, { hidden: 4 }), { inputSize: V, seed: 2 });
    const viaOneHot = new Recurrent(createCell(lstm, { hidden: 4 }), { inputSize: V, seed: 2 });
    const a = run(viaIds, x, 2);
    const b = run(viaOneHot, oneHot(x, V), 2);
    expectClose(a.output, b.output, { rtol: 1e-6, atol: 1e-6, label: "output" });
    a.grads.forEach(([param, grad], i) => {
      expectClose(grad, b.grads[i]?.[1] as Tensor, { rtol: 1e-5, atol: 1e-6, label: param });
    });
  });

  it("the lookup path passes gradcheck in float64 (W_ih, W_hh, biases, initial state)", () => {
    const g = new Generator(9);
    const H = 3;
    const cell = createCell(lstm, { hidden: H });
    const x = g.randint([4, 2], 0, V);
    const f64 = (shape: number[]) => requireGrad(g.normal(shape, 0, 0.5, "float64"));
    const inputs = [
      f64([2, H]),
      f64([2, H]),
      f64([4 * H, V]),
      f64([4 * H, H]),
      f64([4 * H]),
      f64([4 * H]),
    ];
    const probe = g.normal([4, 2, H], 0, 1, "float64");
    gradcheck(
      (...t: Tensor[]) => {
        const [h, c, weight_ih, weight_hh, bias_ih, bias_hh] = t as [
          Tensor,
          Tensor,
          Tensor,
          Tensor,
          Tensor,
          Tensor,
        ];
        const result = runDerived({
          cell,
          params: { weight_ih, weight_hh, bias_ih, bias_hh },
          x,
          oneHot: () => oneHot(x, V, "float64"),
          input: V,
          state: { h, c },
          mask: null,
          reverse: true,
        });
        if (result === null) throw new Error("the derived path declined the lstm");
        return add(sum(mul(result.outputs, probe)), sum(result.state.h as Tensor));
      },
      inputs,
      { name: "lstm over token ids" },
    );
  });

  it("an id out of range is an error that names the range", () => {
    const model = new Recurrent(createCell(lstm, { hidden: 4 }), { inputSize: V });
    const bad = tensor(
      [
        [1, 2],
        [7, 0],
      ],
      { dtype: "int32" },
    );
    expect(() => model.forward(bad)).toThrow(
      "lstm: token ids stand for one-hot rows of inputSize 7, so they must be in [0, 7); got 7 at flat index 2",
    );
    expect(() => model.forward(tensor([1, 2], { dtype: "int32" }))).toThrow(
      "lstm: input must be [time, batch] int32 token ids, got [2]",
    );
  });
});
