/**
 * The first-order Markov model: the present depends only on the step
 * before. With one-hot tokens, output_t = W x_t + b is a row of logits of
 * p(x_{t+1} | x_t): a bigram table, which `countTransitions` fits exactly by
 * counting (see markov-counts.ts), so a gradient fit can be checked against it.
 * The state is the last input (what the model keeps of the past).
 */
import { z } from "@recurrent/registry";
import { add, matMul } from "@recurrent/tensor";
import { defineCell } from "../cell.js";
import { linearDefault } from "../init.js";
import { countTransitions, loadMarkovTable } from "../markov-counts.js";

export const markov = defineCell({
  name: "markov",
  description: "first-order Markov model p(x_{t+1} | x_t): a learned table of logits",
  schema: z.object({
    hidden: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("output size (default: the input size, a full table)"),
  }),
  params: ({ input, hidden }) => {
    const init = linearDefault(input);
    return {
      weight: { shape: [hidden ?? input, input], init },
      bias: { shape: [hidden ?? input], init },
    };
  },
  state: ({ batch, input }) => ({ last: [batch, input] }),
  outputSize: ({ input, hidden }) => hidden ?? input,
  capabilities: {
    hidden: "output",
    // One-hot rows make the weight a table, row i = the logits after token i, which counting fills.
    input: "one-hot",
    recurrentState: false,
    exactFit: {
      description: "bigram counts of the training split",
      fit: (model, corpus, vocab) =>
        loadMarkovTable(model, countTransitions(corpus, vocab, { smoothing: 1 }).logProbs),
    },
  },
  step(x, _state, p) {
    const output = add(matMul(x, p.weight, { transposeB: true }), p.bias);
    return { output, state: { last: x } };
  },
});
