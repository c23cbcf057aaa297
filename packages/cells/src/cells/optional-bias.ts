/**
 * The `bias` option the built-in rnn, lstm and gru share, as PyTorch's
 * `bias=False`: without it the cell has no `bias_ih` / `bias_hh` at all (so
 * a PyTorch state dict without biases loads strictly), its step adds none,
 * and the fused paths, which always add two bias vectors, get zeros that
 * are not parameters.
 */
import { z } from "@recurrent/registry";
import { add, type Tensor, zeros } from "@recurrent/tensor";

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

/** The bias a fused path adds: the parameter, or zeros like `weight`'s rows where there is none. */
export function biasOrZeros(b: Tensor | undefined, weight: Tensor): Tensor {
  return b ?? zeros([weight.shape[0] as number], weight.dtype);
}
