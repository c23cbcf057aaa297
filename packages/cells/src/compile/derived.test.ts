/**
 * The derived fused path (traced from each cell's step, compiled to one
 * generated kernel per step) against the step path: outputs, final states
 * and every gradient (parameters, input, initial state), over two layers,
 * both directions, with and without a length mask, in float64 to rounding
 * and float32 to 1e-5. Plus gradcheck of the generated backward, and the
 * cases the derived path declines.
 */
import { backward, requireGrad } from "@recurrent/autograd";
import { z } from "@recurrent/registry";
import {
  add,
  type DType,
  Generator,
  listBackends,
  matMul,
  mul,
  setBackend,
  sum,
  type Tensor,
  tanh,
  tensor,
} from "@recurrent/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { type Cell, createCell, defineCell } from "../cell.js";
import { ar } from "../cells/ar.js";
import { gru } from "../cells/gru.js";
import { latentAr } from "../cells/latent-ar.js";
import { lstm } from "../cells/lstm.js";
import { rnn } from "../cells/rnn.js";
import { Recurrent } from "../recurrent.js";
import { expectClose } from "../testing/helpers.js";
import { gradcheckDerived } from "./gradcheck-derived.js";
import { derivedPathStatus } from "./plan.js";

const cells: [string, () => Cell][] = [
  ["lstm", () => createCell(lstm, { hidden: 5 })],
  ["gru reset-after", () => createCell(gru, { hidden: 5 })],
  ["gru reset-before", () => createCell(gru, { hidden: 5, resetAfter: false })],
  ["rnn tanh", () => createCell(rnn, { hidden: 5 })],
  ["rnn relu", () => createCell(rnn, { hidden: 5, nonlinearity: "relu" })],
  // Cells that read x element-wise (a window of inputs) and one with an MLP state update.
  ["ar", () => createCell(ar, { tau: 3, hidden: 2 })], // 2 · 2 directions = the 4 input features, so layers stack
  ["latent-ar", () => createCell(latentAr, { hidden: 5 })],
];

function run(cell: Cell, fused: boolean | "derived", dtype: DType, masked: boolean) {
  const [T, B, I] = [6, 3, 4];
  const model = new Recurrent(cell, {
    inputSize: I,
    numLayers: 2,
    bidirectional: true,
    seed: 3,
    fused,
    dtype: dtype as "float32" | "float64",
  });
  const g = new Generator(11);
  const x = requireGrad(g.normal([T, B, I], 0, 1, dtype));
  const state = model.initialState(B);
  for (const [k, v] of Object.entries(state))
    state[k] = requireGrad(add(v, g.normal(v.shape, 0, 0.5, dtype)));
  const lengths = [6, 4, 1];
  const mask = masked
    ? tensor(
        Array.from({ length: T }, (_, t) => lengths.map((n) => (t < n ? 1 : 0))),
        { dtype },
      )
    : null;
  const out = model.forward(x, { state, mask });
  const weights = g.normal(out.output.shape, 0, 1, dtype);
  let loss = sum(mul(out.output, weights));
  for (const v of Object.values(out.state)) loss = add(loss, sum(mul(v, v)));
  backward(loss);
  const grads: Record<string, Tensor> = { x: x.grad as Tensor };
  for (const [k, v] of Object.entries(state)) grads[`state ${k}`] = v.grad as Tensor;
  for (const [k, p] of model.namedParameters()) grads[k] = p.grad as Tensor;
  return { output: out.output, state: out.state, grads };
}

describe.each(listBackends())("derived fused path on %s", (backend) => {
  beforeEach(() => {
    setBackend(backend);
  });
  describe.each(cells)("%s", (_name, make) => {
    it.each([
      ["float64", false],
      ["float64", true],
      ["float32", true],
    ] as const)(
      "%s (masked %s): equals the step path, outputs and every gradient",
      (dtype, masked) => {
        const tol = dtype === "float64" ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };
        const a = run(make(), "derived", dtype, masked);
        const b = run(make(), false, dtype, masked);
        expectClose(a.output, b.output, { ...tol, label: "output" });
        for (const k of Object.keys(b.state))
          expectClose(a.state[k] as Tensor, b.state[k] as Tensor, { ...tol, label: `state ${k}` });
        expect(Object.keys(a.grads).sort()).toEqual(Object.keys(b.grads).sort());
        for (const [k, v] of Object.entries(b.grads))
          expectClose(a.grads[k] as Tensor, v, { ...tol, label: k });
      },
    );
  });
});

describe("derivedPathStatus", () => {
  it("serves every built-in recurrent cell, ar and latent-ar", () => {
    for (const [, make] of cells) {
      const cell = make();
      expect(derivedPathStatus(cell)).toEqual({ fused: true, reason: null });
    }
  });

  it("declines a step with a row reduction, and says why", () => {
    const normed = defineCell({
      name: "test/normed",
      description: "h = tanh(W x + U h) / Σ",
      schema: z.object({ hidden: z.number().int().positive().default(4) }),
      params: ({ input, hidden }) => ({ w: [hidden, input], u: [hidden, hidden] }),
      state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
      outputSize: ({ hidden }) => hidden,
      step: (x, { h }, p) => {
        const a = tanh(
          add(
            matMul(x, p.w as Tensor, { transposeB: true }),
            matMul(h as Tensor, p.u as Tensor, { transposeB: true }),
          ),
        );
        const next = mul(a, sum(a, [1], { keepDims: true }));
        return { output: next, state: { h: next } };
      },
    });
    expect(derivedPathStatus(normed.create({}))).toEqual({
      fused: false,
      reason: "Sum has no element-wise lowering",
    });
  });
});

describe("a width-1 output among wider rows (ar with hidden 1 reads 3 inputs)", () => {
  it("runs lanes of 1, equal to the step path, and passes gradcheck", () => {
    const cell = createCell(ar, { tau: 2, hidden: 1 });
    const x = new Generator(4).normal([5, 2, 3], 0, 1, "float64");
    const out = (fused: boolean | "derived") =>
      new Recurrent(cell, { inputSize: 3, seed: 1, fused, dtype: "float64" }).forward(x).output;
    expectClose(out("derived"), out(false), { rtol: 1e-10, atol: 1e-12, label: "output" });
    expect(gradcheckDerived(cell, true).checked).toBeGreaterThan(0);
  });
});

describe("gradcheck of the generated backward", () => {
  it.each(cells)("%s, masked, both directions", (_name, make) => {
    expect(gradcheckDerived(make(), false).checked).toBeGreaterThan(0);
    expect(gradcheckDerived(make(), true).checked).toBeGreaterThan(0);
  });
});
