/**
 * Initialisers: each is a function (shape, generator, dtype?) → a fresh
 * tensor of first values, drawn from an explicit seeded Generator. The
 * bounds and deviations are PyTorch's (`torch.nn.init`), so a model
 * initialised here is distributed as the same model initialised there (the
 * random streams themselves differ).
 *
 * Each initialiser's options are one zod schema, declared here: the
 * function parses it, and its registry entry (kind `initializer`, see
 * plugin.ts) reuses the same object, so a default or a rule lives in one place.
 */
import { z } from "@recurrent/registry";
import { type FloatDType, full, type Generator, type Shape, type Tensor } from "@recurrent/tensor";
import { parseOptions } from "../options.js";
import { calculateGain, computeFans, nonlinearities } from "./fan.js";

/** Make first values for a parameter of `shape` (float32 unless `dtype` says otherwise). */
export type Initializer = (shape: Shape, generator: Generator, dtype?: FloatDType) => Tensor;

/** Options of `uniform`: the bounds of [low, high). */
export const uniformSchema = z
  .object({ low: z.number().default(0), high: z.number().default(1) })
  .superRefine(({ low, high }, ctx) => {
    if (low > high) {
      ctx.addIssue({
        code: "custom",
        path: ["high"],
        message: `must be >= low (${low})`,
        params: { plain: `expected low <= high, got low ${low}, high ${high}` },
      });
    }
  });

/**
 * Uniform on [low, high).
 * @example uniform({ low: -0.1, high: 0.1 })([3, 4], new Generator(0));
 */
export function uniform(options: z.input<typeof uniformSchema> = {}): Initializer {
  const { low, high } = parseOptions("uniform", uniformSchema, options);
  return (shape, generator, dtype = "float32") => generator.uniform(shape, low, high, dtype);
}

/** Options of `normal`: N(mean, std²), by default N(0, 1). */
export const normalSchema = z.object({
  mean: z.number().default(0),
  std: z.number().min(0).default(1),
});

/** Normal with mean and standard deviation `std` (default N(0, 1), PyTorch's Embedding init). */
export function normal(options: z.input<typeof normalSchema> = {}): Initializer {
  const { mean, std } = parseOptions("normal", normalSchema, options);
  return (shape, generator, dtype = "float32") => generator.normal(shape, mean, std, dtype);
}

/** Options of `recurrentUniform`: the layer's hidden size. */
export const recurrentUniformSchema = z.object({
  hidden: z.number().int().positive().describe("hidden size of the layer"),
});

/**
 * PyTorch's default for every weight and bias of RNN, LSTM and GRU:
 * uniform on [−1/√hidden, 1/√hidden].
 * @example recurrentUniform({ hidden: 32 })([128, 16], generator); // weight_ih of an LSTM
 */
export function recurrentUniform(options: z.input<typeof recurrentUniformSchema>): Initializer {
  const { hidden } = parseOptions("recurrentUniform", recurrentUniformSchema, options);
  const bound = 1 / Math.sqrt(hidden);
  return uniform({ low: -bound, high: bound });
}

/** Options of the initialisers scaled by a gain (xavier, orthogonal). */
export const gainSchema = z.object({
  gain: z.number().default(1).describe("scale of the result (see calculateGain)"),
});

/**
 * Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)).
 * @example xavierUniform({ gain: calculateGain("tanh") })
 */
export function xavierUniform(options: z.input<typeof gainSchema> = {}): Initializer {
  const { gain } = parseOptions("xavierUniform", gainSchema, options);
  return (shape, generator, dtype = "float32") => {
    const { fanIn, fanOut } = computeFans(shape, "xavierUniform");
    const a = gain * Math.sqrt(6 / (fanIn + fanOut));
    return generator.uniform(shape, -a, a, dtype);
  };
}

/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(options: z.input<typeof gainSchema> = {}): Initializer {
  const { gain } = parseOptions("xavierNormal", gainSchema, options);
  return (shape, generator, dtype = "float32") => {
    const { fanIn, fanOut } = computeFans(shape, "xavierNormal");
    return generator.normal(shape, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), dtype);
  };
}

/** Options of the Kaiming initialisers, with PyTorch's defaults. */
export const kaimingSchema = z.object({
  a: z.number().default(0).describe("negative slope of the following leaky_relu"),
  mode: z
    .enum(["fan_in", "fan_out"])
    .default("fan_in")
    .describe("preserve forward or backward variance"),
  nonlinearity: z
    .enum(nonlinearities)
    .default("leaky_relu")
    .describe("the activation after this layer"),
});

/**
 * `a`: the negative slope of the rectifier after this layer (leaky_relu
 * only); `mode`: preserve the variance of the forward pass (`fan_in`) or the
 * backward pass (`fan_out`); `nonlinearity`: `leaky_relu` by default, as
 * PyTorch (with a = 0 that is relu's gain √2).
 */
export type KaimingOptions = z.input<typeof kaimingSchema>;

export type FanMode = z.output<typeof kaimingSchema>["mode"];

/** std = gain / √fan for a weight of `shape`. */
function kaimingStd(where: string, shape: Shape, options: z.output<typeof kaimingSchema>): number {
  const fans = computeFans(shape, where);
  const fan = options.mode === "fan_in" ? fans.fanIn : fans.fanOut;
  return calculateGain(options.nonlinearity, options.a) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform: U(−b, b) with b = gain·√(3 / fan). Linear's default is
 * this with a = √5, which makes b = 1/√fanIn.
 * @example kaimingUniform({ a: Math.sqrt(5) })([out, inp], generator)
 */
export function kaimingUniform(options: KaimingOptions = {}): Initializer {
  const o = parseOptions("kaimingUniform", kaimingSchema, options);
  return (shape, generator, dtype = "float32") => {
    const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", shape, o);
    return generator.uniform(shape, -bound, bound, dtype);
  };
}

/** He/Kaiming normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal(options: KaimingOptions = {}): Initializer {
  const o = parseOptions("kaimingNormal", kaimingSchema, options);
  return (shape, generator, dtype = "float32") =>
    generator.normal(shape, 0, kaimingStd("kaimingNormal", shape, o), dtype);
}

/** All zeros (PyTorch's usual bias when not uniform). */
export function zerosInit(): Initializer {
  return (shape, _generator, dtype = "float32") => full(shape, 0, dtype);
}

/** Options of `constantInit`: the value (required). */
export const constantInitSchema = z.object({ value: z.number().describe("the value") });

/** Every element `value`. */
export function constantInit(options: z.input<typeof constantInitSchema>): Initializer {
  const { value } = parseOptions("constantInit", constantInitSchema, options);
  return (shape, _generator, dtype = "float32") => full(shape, value, dtype);
}
