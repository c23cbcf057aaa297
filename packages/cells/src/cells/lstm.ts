/**
 * LSTM, as PyTorch computes it (gate order i, f, g, o in the stacked weights):
 *
 *   [i, f, g, o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
 *   c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
 *   h_t = σ(o) ⊙ tanh(c_t)
 *
 * Shapes: W_ih [4H, input], W_hh [4H, H], b_ih and b_hh [4H]; state h, c [B, H].
 * `forgetBias` adds a constant to the forget quarter of b_ih at
 * initialisation (1 is the classic choice: it keeps memory by default).
 */
import { z } from "@recurrent/registry";
import { add, matMul, mul, sigmoid, split, type Tensor, tanh } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { lstmSequence } from "../fused/lstm.js";
import { recurrentDefault } from "../init.js";

export const lstm = defineCell({
  name: "lstm",
  description: "long short-term memory (gates i, f, g, o as PyTorch)",
  schema: z.object({
    hidden: z.number().int().positive().default(128).describe("hidden size H"),
    forgetBias: z
      .number()
      .default(0)
      .describe("added to the forget-gate part of b_ih at initialisation"),
  }),
  params: ({ input, hidden, forgetBias }) => {
    const base = recurrentDefault(hidden);
    return {
      weight_ih: [4 * hidden, input],
      weight_hh: [4 * hidden, hidden],
      bias_ih: {
        shape: [4 * hidden],
        init: (shape, rng, dtype) => {
          const b = base(shape, rng, dtype);
          const values = b.storage.array;
          for (let j = hidden; j < 2 * hidden; j++)
            values[b.offset + j] = (values[b.offset + j] as number) + forgetBias;
          return b;
        },
      },
      bias_hh: [4 * hidden],
    };
  },
  state: ({ batch, hidden }) => ({ h: [batch, hidden], c: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  capabilities: { recurrentWeights: ["weight_hh"], torchModule: "LSTM" },
  step(x, { h, c }, p) {
    const gates = add(
      add(matMul(x, p.weight_ih, { transposeB: true }), p.bias_ih),
      add(matMul(h, p.weight_hh, { transposeB: true }), p.bias_hh),
    );
    const [i, f, g, o] = split(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cNext = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
    const hNext = mul(sigmoid(o), tanh(cNext));
    return { output: hNext, state: { h: hNext, c: cNext } };
  },
  tokenIds: true,
  fused: ({ x, state, params, mask, reverse }) => {
    const { y, h, c } = lstmSequence(
      x,
      state.h,
      state.c,
      { wIh: params.weight_ih, wHh: params.weight_hh, bIh: params.bias_ih, bHh: params.bias_hh },
      { mask, reverse },
    );
    return { outputs: y, state: { h, c } };
  },
});
