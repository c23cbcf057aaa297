/**
 * GRU. By default PyTorch's formulation, the reset gate applied after the
 * recurrent product (two bias vectors):
 *
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)     z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * With `resetAfter: false`, the variant of d2l and Keras (reset_after=False):
 * n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn).
 * Shapes: W_ih [3H, input], W_hh [3H, H], biases [3H] (none with
 * `bias: false`), gate order r, z, n.
 */
import { z } from "@recurrent/registry";
import { add, matMul, mul, sigmoid, split, sub, type Tensor, tanh } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { biasOption, biasShapes, plusBias } from "./optional-bias.js";

export const gru = defineCell({
  name: "gru",
  description: "gated recurrent unit (PyTorch's reset-after form; resetAfter: false for d2l/Keras)",
  schema: z.object({
    hidden: z.number().int().positive().default(128).describe("hidden size H"),
    resetAfter: z
      .boolean()
      .default(true)
      .describe("apply the reset gate after the recurrent product (PyTorch)"),
    bias: biasOption,
  }),
  params: ({ input, hidden, bias }) => ({
    weight_ih: [3 * hidden, input],
    weight_hh: [3 * hidden, hidden],
    ...biasShapes(bias, 3 * hidden),
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  capabilities: { recurrentWeights: ["weight_hh"], torchModule: "GRU" },
  step(x, { h }, p, { resetAfter }) {
    const prev = h;
    const [xr, xz, xn] = split(
      plusBias(matMul(x, p.weight_ih, { transposeB: true }), p.bias_ih),
      3,
      1,
    ) as [Tensor, Tensor, Tensor];
    const whh = p.weight_hh;
    const bhh = p.bias_hh;
    let r: Tensor;
    let zg: Tensor;
    let n: Tensor;
    if (resetAfter) {
      const [hr, hz, hn] = split(plusBias(matMul(prev, whh, { transposeB: true }), bhh), 3, 1) as [
        Tensor,
        Tensor,
        Tensor,
      ];
      r = sigmoid(add(xr, hr));
      zg = sigmoid(add(xz, hz));
      n = tanh(add(xn, mul(r, hn)));
    } else {
      const [wr, wz, wn] = split(whh, 3, 0) as [Tensor, Tensor, Tensor];
      const [br, bz, bn] = (bhh === undefined ? [] : split(bhh, 3, 0)) as (Tensor | undefined)[];
      r = sigmoid(add(xr, plusBias(matMul(prev, wr, { transposeB: true }), br)));
      zg = sigmoid(add(xz, plusBias(matMul(prev, wz, { transposeB: true }), bz)));
      n = tanh(add(xn, plusBias(matMul(mul(r, prev), wn, { transposeB: true }), bn)));
    }
    const next = add(mul(sub(1, zg), n), mul(zg, prev));
    return { output: next, state: { h: next } };
  },
});
