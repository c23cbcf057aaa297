/**
 * The forget-gate bias trick (Gers et al. 2000; Jozefowicz et al. 2015): start
 * an LSTM's forget gate open, so gradients flow through the cell state from
 * the first step. An LSTM bias [4·hidden] holds the gates in PyTorch's order
 * i, f, g, o; the forget gate is the second quarter.
 */
import { z } from "@recurrent/registry";
import type { FloatDType, Generator, Shape, Tensor } from "@recurrent/tensor";
import { full } from "@recurrent/tensor";
import { check, fmt } from "../errors.js";
import { parseOptions } from "../options.js";
import type { Initializer } from "./initializers.js";

/** Options of `forgetGateBias` a config can hold (the registry entry `lstm-forget-bias` parses it too). */
export const forgetGateBiasSchema = z.object({
  value: z.number().default(1).describe("the forget-gate bias"),
  add: z
    .boolean()
    .default(false)
    .describe("add value to the base initialiser's forget quarter instead of setting it"),
});

function hiddenOf(where: string, shape: Shape): number {
  const n = shape[0] as number;
  check(shape.length === 1 && n % 4 === 0, "SHAPE", () => {
    return `${where}: expected an LSTM bias [4·hidden] (gates i, f, g, o), got ${fmt(shape)}`;
  });
  return n / 4;
}

/**
 * Set the forget-gate quarter (elements hidden..2·hidden) of an LSTM bias to
 * `value`, in place; the other gates keep their values. Returns the bias.
 *
 * @example
 * setForgetGateBias(lstm.bias_ih_l0, 1); // PyTorch sums bias_ih and bias_hh: set one, or split
 */
export function setForgetGateBias(bias: Tensor, value?: number): Tensor {
  const hidden = hiddenOf("setForgetGateBias", bias.shape);
  const options = parseOptions("setForgetGateBias", forgetGateBiasSchema, { value });
  check(bias.isContiguous, "ARGUMENT", () => "setForgetGateBias: expected a contiguous bias");
  bias.storage.array.fill(options.value, bias.offset + hidden, bias.offset + 2 * hidden);
  return bias;
}

/**
 * An initialiser for an LSTM bias: `base` (zeros by default) everywhere, then
 * `value` in the forget-gate quarter, or `value` added to it with `add`
 * (as the built-in lstm's `forgetBias` does to PyTorch's uniform init).
 *
 * @example
 * forgetGateBias({ value: 1 })([4 * hidden], generator); // [0…0, 1…1, 0…0, 0…0]
 * forgetGateBias({ value: 1, add: true, base: recurrentUniform({ hidden }) });
 */
export function forgetGateBias(
  options: z.input<typeof forgetGateBiasSchema> & { base?: Initializer } = {},
): Initializer {
  const { base, ...rest } = options;
  const { value, add } = parseOptions("forgetGateBias", forgetGateBiasSchema, rest);
  return (shape: Shape, generator: Generator, dtype: FloatDType = "float32") => {
    const hidden = hiddenOf("forgetGateBias", shape);
    const bias = base === undefined ? full(shape, 0, dtype) : base(shape, generator, dtype);
    if (!add) return setForgetGateBias(bias, value);
    const values = bias.storage.array;
    for (let j = hidden; j < 2 * hidden; j++) {
      values[bias.offset + j] = (values[bias.offset + j] as number) + value;
    }
    return bias;
  };
}
