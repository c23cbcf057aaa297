/**
 * The `bias` option the built-in rnn, lstm and gru share, as PyTorch's
 * `bias=False`: without it the cell has no `bias_ih` / `bias_hh` at all (so
 * a PyTorch state dict without biases loads strictly) and its step adds none.
 */
import { z } from "@recurrent/registry";
import { add, type Tensor } from "@recurrent/tensor";

export const biasOption = z
  .boolean()
  .default(true)
  .describe("learn bias_ih and bias_hh (false: no biases, as PyTorch's bias=False)");

/** `bias_ih` and `bias_hh` of `size` each, or nothing without biases. */
export function biasShapes(
  bias: boolean,
  size: number,
): { bias_ih?: [number]; bias_hh?: [number] } {
  return bias ? { bias_ih: [size], bias_hh: [size] } : {};
}

/** x + b, or x where the cell has no bias. */
export function plusBias(x: Tensor, b: Tensor | undefined): Tensor {
  return b === undefined ? x : add(x, b);
}
