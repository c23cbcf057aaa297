/**
 * The cell contract as a trainer and a plugin author meet it: capabilities
 * with their defaults, the counted Markov fit reached through its
 * capability, which path a cell trains on, and `params`/`state` typed from
 * the definition (checked by `tsc`: the `@ts-expect-error` lines must fail
 * to compile).
 */
import { z } from "@recurrent/registry";
import {
  add,
  exp,
  logSoftmax,
  matMul,
  reshape,
  type Tensor,
  tanh,
  tensor,
  zeros,
} from "@recurrent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import { cellCapabilities, defaultCapabilities, takesSharedHidden } from "./capabilities.js";
import { type CellDefinition, createCell, defineCell } from "./cell.js";
import { ar } from "./cells/ar.js";
import { gru } from "./cells/gru.js";
import { latentAr } from "./cells/latent-ar.js";
import { lstm } from "./cells/lstm.js";
import { markov } from "./cells/markov.js";
import { rnn } from "./cells/rnn.js";
import { formatFusedSupport, fusedSupport } from "./fused-support.js";
import { SequenceModel } from "./sequence-model.js";
import { expectClose } from "./testing/helpers.js";

const minimal = defineCell({
  name: "test/minimal",
  description: "h_t = tanh(W x_t + U h_{t−1})",
  schema: z.object({ hidden: z.number().int().positive().default(3) }),
  params: ({ input, hidden }) => ({ w: [hidden, input], u: [hidden, hidden] }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, state, params) {
    expectTypeOf(state).toEqualTypeOf<Record<"h", Tensor>>();
    expectTypeOf(params).toEqualTypeOf<Record<"w" | "u", Tensor>>();
    // @ts-expect-error: the cell has no parameter "v"
    void params.v;
    const next = tanh(
      add(
        matMul(x, params.w, { transposeB: true }),
        matMul(state.h, params.u, { transposeB: true }),
      ),
    );
    return { output: next, state: { h: next } };
  },
});

describe("cell capabilities", () => {
  it("default to an ordinary recurrent cell whose hidden is its state size", () => {
    expect(cellCapabilities(minimal)).toEqual({
      hidden: "state",
      input: "embedding",
      recurrentState: true,
      recurrentWeights: [],
      exactFit: null,
      torchModule: null,
    });
    expect(cellCapabilities(minimal)).toEqual(defaultCapabilities);
    expect(cellCapabilities(createCell(minimal))).toEqual(defaultCapabilities); // a configured cell too
  });

  it.each([
    ["ar", ar, "layer", "embedding", false, [], null],
    ["markov", markov, "output", "one-hot", false, [], null],
    ["latent-ar", latentAr, "state", "embedding", true, [], null],
    ["rnn", rnn, "state", "embedding", true, ["weight_hh"], "RNN"],
    ["lstm", lstm, "state", "embedding", true, ["weight_hh"], "LSTM"],
    ["gru", gru, "state", "embedding", true, ["weight_hh"], "GRU"],
  ] as const)(
    "%s declares what the trainer needs",
    (_, cell, hidden, input, recurrent, weights, torch) => {
      const c = cellCapabilities(cell);
      expect([c.hidden, c.input, c.recurrentState, c.recurrentWeights, c.torchModule]).toEqual([
        hidden,
        input,
        recurrent,
        weights,
        torch,
      ]);
      expect(takesSharedHidden(c)).toBe(hidden !== "output");
    },
  );

  it("every recurrent weight a cell names is one of its parameters", () => {
    const cells: CellDefinition[] = [rnn, lstm, gru]; // any definition widens to CellDefinition
    for (const cell of cells) {
      const names = Object.keys(cell.params({ ...createCell(cell).config, input: 2 }));
      for (const weight of cellCapabilities(cell).recurrentWeights) expect(names).toContain(weight);
    }
  });

  it("markov's exact fit makes the model compute the Laplace-smoothed bigram table", () => {
    const fit = cellCapabilities(markov).exactFit;
    expect(fit?.description).toBe("bigram counts of the training split");
    const model = new SequenceModel(createCell(markov), {
      input: { kind: "one-hot", vocab: 3 },
      outputSize: 3,
      seed: 1,
    });
    fit?.fit(model, [[0, 1, 1, 2, 0]], 3);
    const ids = tensor([[0, 1, 2]], { dtype: "int32" }); // one step from each token
    const table = reshape(exp(logSoftmax(model.forward(ids).output)), [9]);
    // 0→1 once, 1→1 and 1→2 once each, 2→0 once; p = (count + 1) / (row total + 3).
    expectClose(table, [1 / 4, 2 / 4, 1 / 4, 1 / 5, 2 / 5, 2 / 5, 2 / 4, 1 / 4, 1 / 4], {
      rtol: 1e-5,
    });
  });
});

describe("fusedSupport", () => {
  it("names the derived fused paths, a cell's own, and why a cell runs step by step", () => {
    // The built-ins have no kernels of their own: their fused path is derived from their step too.
    for (const cell of [rnn, lstm, gru]) {
      expect(fusedSupport(cell)).toEqual({ path: "derived", why: "generated from its step" });
    }
    expect(fusedSupport(minimal)).toEqual({ path: "derived", why: "generated from its step" });
    // A plugin may still bring a whole-sequence function of its own.
    expect(fusedSupport(defineCell({ ...minimal, name: "test/own", fused: () => null })).path).toBe(
      "hand-written",
    );
    expect(fusedSupport(createCell(minimal, { hidden: 2 })).path).toBe("derived");
    // An output made outside the recorded ops cannot be derived: the runner unrolls the step.
    const constant = defineCell({
      ...minimal,
      name: "test/constant",
      step: (x, state, { w }) => ({
        output: zeros([x.shape[0] as number, w.shape[0] as number]),
        state,
      }),
    });
    const support = fusedSupport(constant);
    expect(support.path).toBe("step");
    expect(support.why).toMatch(/output/);
    expect(formatFusedSupport(support)).toBe(`step path (${support.why})`);
  });
});
