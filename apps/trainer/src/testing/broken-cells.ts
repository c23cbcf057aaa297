/**
 * Test support (not shipped): a plugin of cells, each with one mistake a
 * plugin author makes, for the check that runs a cell once before training
 * (cell-check.ts). `broken/fine` has none.
 */
import { defineCell } from "@recurrent/cells";
import { definePlugin, z } from "@recurrent/registry";
import { add, matMul, mul, type Tensor, tanh, tensor } from "@recurrent/tensor";

const schema = z.object({ hidden: z.number().int().positive().default(8) });

/** h_t = tanh(x_t W_xᵀ + h_{t−1} W_hᵀ), the shapes every cell below starts from. */
function elman(x: Tensor, h: Tensor, p: Record<string, Tensor>): Tensor {
  return tanh(
    add(
      matMul(x, p.w_x as Tensor, { transposeB: true }),
      matMul(h, p.w_h as Tensor, { transposeB: true }),
    ),
  );
}

const params = ({ input, hidden }: { input: number; hidden: number }) => ({
  w_x: [hidden, input],
  w_h: [hidden, hidden],
});

export const fine = defineCell({
  name: "broken/fine",
  description: "no mistake",
  schema,
  params,
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h }, p) {
    const next = elman(x, h as Tensor, p);
    return { output: next, state: { h: next } };
  },
});

export const missingState = defineCell({
  name: "broken/missing-state",
  description: "declares h and c, returns h only",
  schema,
  params,
  state: ({ batch, hidden }) => ({ h: [batch, hidden], c: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h }, p) {
    const next = elman(x, h as Tensor, p);
    // Cast: this fixture breaks the contract on purpose (c is declared, not returned),
    // which is exactly what the cell's types exist to forbid.
    return { output: next, state: { h: next } as never };
  },
});

export const wrongOutputSize = defineCell({
  name: "broken/output-size",
  description: "says its output has hidden + 1 features",
  schema,
  params,
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden + 1,
  step(x, { h }, p) {
    const next = elman(x, h as Tensor, p);
    return { output: next, state: { h: next } };
  },
});

export const wrongParamShape = defineCell({
  name: "broken/param-shape",
  description: "declares w_x as [input, hidden] but multiplies as if [hidden, input]",
  schema,
  params: ({ input, hidden }) => ({ w_x: [input + 1, hidden], w_h: [hidden, hidden] }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h }, p) {
    const next = elman(x, h as Tensor, p);
    return { output: next, state: { h: next } };
  },
});

export const nanOutput = defineCell({
  name: "broken/nan",
  description: "multiplies its output by NaN",
  schema,
  params,
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h }, p) {
    const next = elman(x, h as Tensor, p);
    return { output: mul(next, tensor(Number.NaN)), state: { h: next } };
  },
});

export default definePlugin({
  name: "broken-cells",
  entries: [fine, missingState, wrongOutputSize, wrongParamShape, nanOutput],
});
