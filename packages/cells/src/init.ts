/** The initialisers cells use, in the form @recurrent/nn's initialisers take. */
import type { FloatDType, Generator, Shape, Tensor } from "@recurrent/tensor";

export type Initializer = (shape: Shape, generator: Generator, dtype?: FloatDType) => Tensor;

/** PyTorch's default for recurrent layers: U(−1/√hidden, 1/√hidden) for weights and biases. */
export function recurrentDefault(hidden: number): Initializer {
  const k = 1 / Math.sqrt(hidden);
  return (shape, generator, dtype = "float32") => generator.uniform(shape, -k, k, dtype);
}

/** PyTorch's nn.Linear default for a layer with `fanIn` inputs: U(−1/√fanIn, 1/√fanIn). */
export function linearDefault(fanIn: number): Initializer {
  const k = 1 / Math.sqrt(Math.max(fanIn, 1));
  return (shape, generator, dtype = "float32") => generator.uniform(shape, -k, k, dtype);
}
