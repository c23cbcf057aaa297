/**
 * The one initialiser cells add to @recurrent/nn's (which owns the
 * `Initializer` type and PyTorch's recurrent default, `recurrentUniform`):
 * nn.Linear's default for a layer whose fan-in a cell knows from its config.
 */
import { type Initializer, uniform } from "@recurrent/nn";

/** PyTorch's nn.Linear default for a layer with `fanIn` inputs: U(−1/√fanIn, 1/√fanIn). */
export function linearDefault(fanIn: number): Initializer {
  const k = 1 / Math.sqrt(Math.max(fanIn, 1));
  return uniform({ low: -k, high: k });
}
