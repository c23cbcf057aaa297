/**
 * The latent autoregressive model: summarise the whole past in one hidden
 * state, updated by a small MLP g from the previous state and the newest
 * input, and read the prediction from the state.
 *
 *   h_t = g(h_{t−1}, x_t) = tanh(W₂ relu(W₁ [h_{t−1}; x_t] + b₁) + b₂)
 *
 * (The note writes g(h_{t−1}, x_{t−1}) for a state that predicts x_t; here
 * step t reads x_t and its output predicts x_{t+1}: the same model.)
 */
import { z } from "@recurrent/registry";
import { add, concat, matMul, relu, tanh } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { linearDefault } from "../init.js";

export const latentAr = defineCell({
  name: "latent-ar",
  description: "latent autoregressive model h_t = g(h_{t−1}, x_t), g a two-layer MLP",
  schema: z.object({
    hidden: z.number().int().positive().default(64).describe("size of the latent state h"),
    mlpHidden: z.number().int().positive().optional().describe("units inside g (default: hidden)"),
  }),
  params: ({ input, hidden, mlpHidden }) => {
    const inner = mlpHidden ?? hidden;
    const first = linearDefault(hidden + input);
    const second = linearDefault(inner);
    return {
      weight_1: { shape: [inner, hidden + input], init: first },
      bias_1: { shape: [inner], init: first },
      weight_2: { shape: [hidden, inner], init: second },
      bias_2: { shape: [hidden], init: second },
    };
  },
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h }, p) {
    const joined = concat([h, x], 1);
    const inner = relu(add(matMul(joined, p.weight_1, { transposeB: true }), p.bias_1));
    const next = tanh(add(matMul(inner, p.weight_2, { transposeB: true }), p.bias_2));
    return { output: next, state: { h: next } };
  },
});
