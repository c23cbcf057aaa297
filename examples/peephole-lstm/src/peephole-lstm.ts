/**
 * The peephole LSTM (Gers & Schmidhuber, 2000): an LSTM whose gates also
 * look at the cell. The input and forget gates read the previous cell
 * c_{t−1}, the output gate reads the new one c_t, each through a diagonal
 * (elementwise) weight:
 *
 *   [i, f, g, o] = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh
 *   i = σ(i + p_i ⊙ c_{t−1})      f = σ(f + p_f ⊙ c_{t−1})
 *   c_t = f ⊙ c_{t−1} + i ⊙ tanh(g)
 *   o = σ(o + p_o ⊙ c_t)          h_t = o ⊙ tanh(c_t)
 *
 * Shapes: W_ih [4H, input], W_hh [4H, H], b_ih and b_hh [4H] (gate order
 * i, f, g, o, as PyTorch's LSTM, so those four load from an nn.LSTM), and
 * weight_ch [3, H] for the peepholes p_i, p_f, p_o. With the peepholes at
 * zero it is exactly the built-in `lstm`.
 */
import { defineCell } from "@recurrent/cells";
import { z } from "@recurrent/registry";
import { add, matMul, mul, sigmoid, split, type Tensor, tanh, zeros } from "@recurrent/tensor";

export const peepholeLstm = defineCell({
  name: "example/peephole-lstm",
  description: "LSTM whose gates also read the cell state (peephole connections)",
  schema: z.object({
    hidden: z.number().int().positive().default(128).describe("hidden size H"),
    peepholeInit: z
      .enum(["default", "zeros"])
      .default("default")
      .describe('"zeros" starts as a plain LSTM; "default" draws U(±1/√H) like the other weights'),
  }),
  params: ({ input, hidden, peepholeInit }) => ({
    weight_ih: [4 * hidden, input],
    weight_hh: [4 * hidden, hidden],
    bias_ih: [4 * hidden],
    bias_hh: [4 * hidden],
    weight_ch:
      peepholeInit === "zeros"
        ? { shape: [3, hidden], init: (shape, _rng, dtype) => zeros(shape, dtype) }
        : [3, hidden],
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden], c: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  capabilities: { recurrentWeights: ["weight_hh"] },
  step(x, { h, c }, p) {
    const gates = add(
      add(matMul(x, p.weight_ih, { transposeB: true }), p.bias_ih),
      add(matMul(h, p.weight_hh, { transposeB: true }), p.bias_hh),
    );
    const [i, f, g, o] = split(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const [pi, pf, po] = split(p.weight_ch, 3, 0) as [Tensor, Tensor, Tensor];
    const input = sigmoid(add(i, mul(pi, c)));
    const forget = sigmoid(add(f, mul(pf, c)));
    const cNext = add(mul(forget, c), mul(input, tanh(g)));
    const output = sigmoid(add(o, mul(po, cNext)));
    const hNext = mul(output, tanh(cNext));
    return { output: hNext, state: { h: hNext, c: cNext } };
  },
});
