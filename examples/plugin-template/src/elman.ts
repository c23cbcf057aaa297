/**
 * A starting point: the Elman RNN with one bias, to rename and change.
 *
 *   h_t = tanh(W_ih x_t + W_hh h_{t−1} + b)
 *
 * Shapes: W_ih [H, input], W_hh [H, H], b [H]; state h [B, H]. The names
 * `params` and `state` return are the names `step` receives, typed.
 */
import { defineCell } from "@recurrent/cells";
import { z } from "@recurrent/registry";
import { add, matMul, tanh } from "@recurrent/tensor";

export const elman = defineCell({
  name: "my/elman",
  description: "Elman RNN with one bias, h_t = tanh(W_ih x_t + W_hh h_{t−1} + b)",
  schema: z.object({ hidden: z.number().int().positive().default(64).describe("hidden size H") }),
  params: ({ input, hidden }) => ({
    weight_ih: [hidden, input],
    weight_hh: [hidden, hidden],
    bias: [hidden],
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  capabilities: { recurrentWeights: ["weight_hh"] },
  step(x, { h }, p) {
    const pre = add(
      add(
        matMul(x, p.weight_ih, { transposeB: true }),
        matMul(h, p.weight_hh, { transposeB: true }),
      ),
      p.bias,
    );
    const next = tanh(pre);
    return { output: next, state: { h: next } };
  },
});
