/**
 * The minimal gated unit (Zhou, Wu, Zhang & Zhou, 2016): a GRU cut down to
 * one gate, which both forgets and resets:
 *
 *   f_t = σ(W_f x_t + U_f h_{t−1} + b_f)
 *   h̃_t = tanh(W_h x_t + U_h (f_t ⊙ h_{t−1}) + b_h)
 *   h_t = (1 − f_t) ⊙ h_{t−1} + f_t ⊙ h̃_t
 *
 * Shapes: weight_ih [2H, input] (rows f, h̃), weight_f [H, H] (U_f),
 * weight_h [H, H] (U_h), bias [2H]; state h [B, H]. Unlike an LSTM its
 * second recurrent product reads a gated state (f ⊙ h), so a step has two
 * rounds of products, which the derived fused path runs level by level.
 */
import { defineCell } from "@recurrent/cells";
import { z } from "@recurrent/registry";
import { add, matMul, mul, sigmoid, split, sub, tanh } from "@recurrent/tensor";

export const minimalGatedUnit = defineCell({
  name: "example/minimal-gated-unit",
  description: "minimal gated unit: one gate that forgets and resets (Zhou et al., 2016)",
  schema: z.object({
    hidden: z.number().int().positive().default(128).describe("hidden size H"),
  }),
  params: ({ input, hidden }) => ({
    weight_ih: [2 * hidden, input],
    weight_f: [hidden, hidden],
    weight_h: [hidden, hidden],
    bias: [2 * hidden],
  }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step(x, { h }, p) {
    const previous = h;
    const projected = add(matMul(x, p.weight_ih, { transposeB: true }), p.bias);
    const [xf, xh] = split(projected, 2, 1);
    const f = sigmoid(add(xf, matMul(previous, p.weight_f, { transposeB: true })));
    const candidate = tanh(add(xh, matMul(mul(f, previous), p.weight_h, { transposeB: true })));
    const next = add(mul(sub(1, f), previous), mul(f, candidate));
    return { output: next, state: { h: next } };
  },
});
