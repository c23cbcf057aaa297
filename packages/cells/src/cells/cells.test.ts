/**
 * Every built-in cell through the step path: gradients by central finite
 * differences in float64 (through a mask, in both directions), and the
 * property that a cell keeps its state shapes whatever the sizes.
 */

import { fc, test } from "@fast-check/vitest";
import { gradcheck } from "@recurrent/autograd";
import { concat, Generator, reshape, type Tensor, tensor, zeros } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { type Cell, type CellState, createCell } from "../cell.js";
import { Recurrent } from "../recurrent.js";
import { runSteps } from "../runner.js";
import { ar } from "./ar.js";
import { gru } from "./gru.js";
import { latentAr } from "./latent-ar.js";
import { lstm } from "./lstm.js";
import { markov } from "./markov.js";
import { rnn } from "./rnn.js";

const small: [string, () => Cell][] = [
  ["ar relu", () => createCell(ar, { tau: 2, hidden: 3 })],
  ["ar tanh", () => createCell(ar, { tau: 2, hidden: 3, activation: "tanh" })],
  ["markov", () => createCell(markov)],
  ["markov hidden 3", () => createCell(markov, { hidden: 3 })],
  ["latent-ar", () => createCell(latentAr, { hidden: 3, mlpHidden: 4 })],
  ["rnn tanh", () => createCell(rnn, { hidden: 3 })],
  ["rnn relu", () => createCell(rnn, { hidden: 3, nonlinearity: "relu" })],
  ["lstm", () => createCell(lstm, { hidden: 3, forgetBias: 1 })],
  ["gru", () => createCell(gru, { hidden: 3 })],
  ["gru resetAfter false", () => createCell(gru, { hidden: 3, resetAfter: false })],
];

function flatten(parts: Tensor[]): Tensor {
  return concat(
    parts.map((t) => reshape(t, [t.size])),
    0,
  );
}

describe.each(small)("%s: step path", (name, makeCell) => {
  // Reverse and masked: the cell's step is direction-blind, and the mask path is the longer one.
  it("passes gradcheck in float64 (reverse, masked)", () => {
    const [reverse, masked] = [true, true];
    const cell = makeCell();
    const [T, B, I] = [3, 2, 2];
    const model = new Recurrent(cell, { inputSize: I, dtype: "float64", seed: 6 });
    const names = model.namedParameters().map(([k]) => k.replace(/_l0$/, ""));
    const params = model.parameters();
    const stateNames = Object.keys(model.initialState(B));
    const g = new Generator(12);
    const x = g.normal([T, B, I], 0, 1, "float64");
    const state = stateNames.map((k) => {
      const shape = (model.initialState(B)[k] as Tensor).shape.slice(1);
      return g.normal(shape, 0, 0.5, "float64");
    });
    // Right-padded lengths 3 and 1.
    const mask = masked ? tensor([1, 1, 1, 0, 1, 0], { shape: [T, B], dtype: "float64" }) : null;
    const result = gradcheck(
      (xx, ...rest) => {
        const s: CellState = {};
        stateNames.forEach((k, i) => {
          s[k] = rest[i] as Tensor;
        });
        const p: Record<string, Tensor> = {};
        names.forEach((k, i) => {
          p[k] = rest[stateNames.length + i] as Tensor;
        });
        const out = runSteps(cell, p, xx as Tensor, s, { reverse, mask });
        return flatten([out.outputs, ...Object.values(out.state)]);
      },
      [x, ...state, ...params],
      { name },
    );
    expect(result.checked).toBeGreaterThan(0);
  });
});

// Cells whose state follows the layer's input (ar's window, markov's last
// input) are kept to one layer here; recurrent.test.ts covers stacking them.
const builders: ((hidden: number, tau: number) => Cell)[] = [
  (hidden, tau) => createCell(ar, { hidden, tau }),
  (hidden) => createCell(markov, { hidden }),
  (hidden) => createCell(latentAr, { hidden }),
  (hidden) => createCell(rnn, { hidden }),
  (hidden) => createCell(lstm, { hidden }),
  (hidden) => createCell(gru, { hidden }),
  (hidden) => createCell(gru, { hidden, resetAfter: false }),
];

describe("cells keep their state shapes", () => {
  test.prop(
    {
      kind: fc.integer({ min: 0, max: builders.length - 1 }),
      time: fc.integer({ min: 1, max: 4 }),
      batch: fc.integer({ min: 1, max: 4 }),
      input: fc.integer({ min: 1, max: 5 }),
      hidden: fc.integer({ min: 1, max: 5 }),
      tau: fc.integer({ min: 1, max: 3 }),
      layers: fc.integer({ min: 1, max: 2 }),
      bidirectional: fc.boolean(),
      batchFirst: fc.boolean(),
      fused: fc.boolean(),
    },
    { numRuns: 20 },
  )("over time, layers and directions", (c) => {
    const cell = (builders[c.kind] as (typeof builders)[number])(c.hidden, c.tau);
    const stateFollowsInput = ["ar", "markov"].includes(cell.definition.name);
    const model = new Recurrent(cell, {
      inputSize: c.input,
      numLayers: stateFollowsInput ? 1 : c.layers,
      bidirectional: c.bidirectional,
      batchFirst: c.batchFirst,
      fused: c.fused,
    });
    const x = new Generator(c.kind).normal(
      c.batchFirst ? [c.batch, c.time, c.input] : [c.time, c.batch, c.input],
    );
    const initial = model.initialState(c.batch);
    const { output, state } = model.forward(x);
    const out = model.outputSize * model.directions;
    expect(output.shape).toEqual(c.batchFirst ? [c.batch, c.time, out] : [c.time, c.batch, out]);
    expect(Object.keys(state)).toEqual(Object.keys(initial));
    for (const [part, value] of Object.entries(initial)) {
      expect(state[part]?.shape, part).toEqual(value.shape);
      expect(value.shape.slice(0, 2)).toEqual([model.numLayers * model.directions, c.batch]);
    }
    // And one bare step keeps them too.
    const config = { ...cell.config, input: c.input };
    const params: Record<string, Tensor> = {};
    for (const [k, p] of model.namedParameters())
      if (k.endsWith("_l0")) params[k.slice(0, -"_l0".length)] = p;
    const one: CellState = {};
    for (const [part, shape] of Object.entries(
      cell.definition.state({ ...config, batch: c.batch }),
    ))
      one[part] = zeros(shape as number[]);
    const next = cell.definition.step(
      new Generator(1).normal([c.batch, c.input]),
      one,
      params,
      config,
    );
    for (const [part, value] of Object.entries(one))
      expect(next.state[part]?.shape, part).toEqual(value.shape);
    expect(next.output.shape).toEqual([c.batch, model.outputSize]);
  });
});
