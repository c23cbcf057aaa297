/**
 * The Elman RNN: an MLP with a recurrent connection, unrolled in time as a
 * deep network with shared weights.
 *
 *   h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh),   act = tanh or relu
 *
 * tanh saturates and lets long products of W_hh vanish; relu does not bound
 * them and lets them explode (the note's two failure modes).
 * Shapes: W_ih [H, input], W_hh [H, H], biases [H] (none with `bias: false`).
 */
import { z } from "@recurrent/registry";
import { add, matMul, relu, tanh } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { biasOption, biasShapes, plusBias } from "./optional-bias.js";

export const rnn = defineCell({
  name: "rnn",
  description: "Elman RNN, h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)",
  schema: z.object({
    hidden: z.number().int().positive().default(128).describe("hidden size H"),
    nonlinearity: z.enum(["tanh", "relu"]).default("tanh").describe("the activation act"),
    bias: biasOption,
  }),
  params: ({ input, hidden, bias }) => ({
    weight_ih: [hidden, input],
    weight_hh: [hidden, hidden],
    ...biasShapes(bias, hidden),
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  capabilities: { recurrentWeights: ["weight_hh"], torchModule: "RNN" },
  step(x, { h }, p, { nonlinearity }) {
    const pre = add(
      plusBias(matMul(x, p.weight_ih, { transposeB: true }), p.bias_ih),
      plusBias(matMul(h, p.weight_hh, { transposeB: true }), p.bias_hh),
    );
    const next = nonlinearity === "relu" ? relu(pre) : tanh(pre);
    return { output: next, state: { h: next } };
  },
});
