/**
 * The naive sequence model made tractable: condition on a fixed window of
 * the last τ inputs instead of the whole past, and map the window through an
 * MLP layer (d2l's sine experiment: τ = 4, a 4-10-1 MLP, where the final
 * 10→1 layer is the model's output head).
 *
 *   window_t = [x_{t−τ+1}, …, x_t]        output_t = act(W window_t + b)
 *
 * The state is the window [B, τ·input] (zeros before the first inputs).
 */
import { z } from "@recurrent/registry";
import { add, concat, matMul, relu, slice, tanh } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { linearDefault } from "../init.js";

export const ar = defineCell({
  name: "ar",
  description: "autoregressive MLP over a fixed window of the last τ inputs",
  schema: z.object({
    tau: z.number().int().positive().default(4).describe("window length τ"),
    hidden: z.number().int().positive().default(10).describe("units of the MLP layer"),
    activation: z.enum(["relu", "tanh"]).default("relu"),
  }),
  params: ({ input, tau, hidden }) => {
    const init = linearDefault(tau * input);
    return { weight: { shape: [hidden, tau * input], init }, bias: { shape: [hidden], init } };
  },
  state: ({ batch, input, tau }) => ({ window: [batch, tau * input] }),
  outputSize: ({ hidden }) => hidden,
  // The window holds raw inputs, nothing learned: a fixed-order model, not a recurrent one.
  capabilities: { hidden: "layer", recurrentState: false },
  step(x, { window }, p, { input, activation }) {
    const [batch, width] = window.shape as [number, number];
    const shifted = concat([slice(window, [0, input], [batch, width]), x], 1);
    const pre = add(matMul(shifted, p.weight, { transposeB: true }), p.bias);
    return { output: activation === "relu" ? relu(pre) : tanh(pre), state: { window: shifted } };
  },
});
