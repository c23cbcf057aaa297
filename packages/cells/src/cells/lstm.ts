/**
 * LSTM, as PyTorch computes it (gate order i, f, g, o in the stacked weights):
 *
 *   [i, f, g, o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
 *   c_t = σ(f) ⊙ c_{t−1} + σ(i) ⊙ tanh(g)
 *   h_t = σ(o) ⊙ tanh(c_t)                       (projSize 0)
 *   h_t = W_hr (σ(o) ⊙ tanh(c_t))                (projSize P > 0, PyTorch's proj_size)
 *
 * Shapes: W_ih [4H, input], W_hh [4H, R], b_ih and b_hh [4H] (none with
 * `bias: false`), W_hr [P, H]; state h [B, R], c [B, H], where R = P with a
 * projection and H without. The output is h_t ([B, R]).
 * `forgetBias` adds a constant to the forget quarter of b_ih at
 * initialisation (1 is the classic choice: it keeps memory by default).
 *
 * Gradient of the projection (through the recorded ops): ∂L/∂W_hr = ∂L/∂h_tᵀ·(σ(o) ⊙ tanh(c_t)),
 * summed over the batch and the steps.
 */

import { forgetGateBias, recurrentUniform } from "@recurrent/nn";
import { z } from "@recurrent/registry";
import { add, matMul, mul, sigmoid, split, type Tensor, tanh } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { CellError } from "../errors.js";
import { biasOption, plusBias } from "./optional-bias.js";

export const lstm = defineCell({
  name: "lstm",
  description: "long short-term memory (gates i, f, g, o as PyTorch)",
  schema: z.object({
    hidden: z.number().int().positive().default(128).describe("hidden size H"),
    forgetBias: z
      .number()
      .default(0)
      .describe("added to the forget-gate part of b_ih at initialisation"),
    bias: biasOption,
    projSize: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("project h_t to this size with W_hr (PyTorch's proj_size; 0: none)"),
  }),
  params: ({ input, hidden, forgetBias, bias, projSize }) => {
    if (projSize >= hidden) {
      throw new CellError(
        "CONFIG",
        `lstm: projSize must be smaller than hidden (${hidden}), as in PyTorch, got ${projSize}`,
      );
    }
    if (!bias && forgetBias !== 0) {
      throw new CellError(
        "CONFIG",
        `lstm: forgetBias ${forgetBias} needs biases to add to; with bias: false leave forgetBias at 0`,
      );
    }
    const base = recurrentUniform({ hidden });
    const recurrentSize = projSize > 0 ? projSize : hidden;
    return {
      weight_ih: [4 * hidden, input],
      weight_hh: [4 * hidden, recurrentSize],
      ...(bias
        ? {
            bias_ih: {
              shape: [4 * hidden],
              init: forgetGateBias({ value: forgetBias, add: true, base }),
            },
            bias_hh: [4 * hidden],
          }
        : {}),
      ...(projSize > 0 ? { weight_hr: [projSize, hidden] } : {}),
    };
  },
  state: ({ batch, hidden, projSize }) => ({
    h: [batch, projSize > 0 ? projSize : hidden],
    c: [batch, hidden],
  }),
  outputSize: ({ hidden, projSize }) => (projSize > 0 ? projSize : hidden),
  capabilities: { recurrentWeights: ["weight_hh"], torchModule: "LSTM" },
  step(x, { h, c }, p) {
    const gates = add(
      plusBias(matMul(x, p.weight_ih, { transposeB: true }), p.bias_ih),
      plusBias(matMul(h, p.weight_hh, { transposeB: true }), p.bias_hh),
    );
    const [i, f, g, o] = split(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cNext = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
    const full = mul(sigmoid(o), tanh(cNext));
    const hNext =
      p.weight_hr === undefined ? full : matMul(full, p.weight_hr, { transposeB: true });
    return { output: hNext, state: { h: hNext, c: cNext } };
  },
});
