/**
 * Initialisers: each is a function (shape, generator, dtype?) → a fresh
 * tensor of first values, drawn from an explicit seeded Generator. The
 * bounds and deviations are PyTorch's (`torch.nn.init`), so a model
 * initialised here is distributed as the same model initialised there (the
 * random streams themselves differ).
 */
import { type FloatDType, full, type Generator, type Shape, type Tensor } from "@recurrent/tensor";
import { check } from "../errors.js";
import { calculateGain, computeFans, type Nonlinearity } from "./fan.js";

/** Make first values for a parameter of `shape` (float32 unless `dtype` says otherwise). */
export type Initializer = (shape: Shape, generator: Generator, dtype?: FloatDType) => Tensor;

export type FanMode = "fan_in" | "fan_out";

function finite(where: string, name: string, value: number): void {
  check(Number.isFinite(value), "ARGUMENT", () => `${where}: ${name} must be finite, got ${value}`);
}

/**
 * Uniform on [low, high).
 * @example uniform({ low: -0.1, high: 0.1 })([3, 4], new Generator(0));
 */
export function uniform(options: { low?: number; high?: number } = {}): Initializer {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  finite("uniform", "low", low);
  finite("uniform", "high", high);
  check(
    low <= high,
    "ARGUMENT",
    () => `uniform: expected low <= high, got low ${low}, high ${high}`,
  );
  return (shape, generator, dtype = "float32") => generator.uniform(shape, low, high, dtype);
}

/** Normal with mean and standard deviation `std` (default N(0, 1), PyTorch's Embedding init). */
export function normal(options: { mean?: number; std?: number } = {}): Initializer {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  finite("normal", "mean", mean);
  check(std >= 0 && Number.isFinite(std), "ARGUMENT", () => {
    return `normal: std must be finite and >= 0, got ${std}`;
  });
  return (shape, generator, dtype = "float32") => generator.normal(shape, mean, std, dtype);
}

/**
 * PyTorch's default for every weight and bias of RNN, LSTM and GRU:
 * uniform on [−1/√hidden, 1/√hidden].
 * @example recurrentUniform({ hidden: 32 })([128, 16], generator); // weight_ih of an LSTM
 */
export function recurrentUniform(options: { hidden: number }): Initializer {
  const { hidden } = options;
  check(Number.isInteger(hidden) && hidden > 0, "ARGUMENT", () => {
    return `recurrentUniform: hidden must be a positive integer, got ${hidden}`;
  });
  const bound = 1 / Math.sqrt(hidden);
  return uniform({ low: -bound, high: bound });
}

/**
 * Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fanIn + fanOut)).
 * @example xavierUniform({ gain: calculateGain("tanh") })
 */
export function xavierUniform(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  finite("xavierUniform", "gain", gain);
  return (shape, generator, dtype = "float32") => {
    const { fanIn, fanOut } = computeFans(shape, "xavierUniform");
    const a = gain * Math.sqrt(6 / (fanIn + fanOut));
    return generator.uniform(shape, -a, a, dtype);
  };
}

/** Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal(options: { gain?: number } = {}): Initializer {
  const gain = options.gain ?? 1;
  finite("xavierNormal", "gain", gain);
  return (shape, generator, dtype = "float32") => {
    const { fanIn, fanOut } = computeFans(shape, "xavierNormal");
    return generator.normal(shape, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), dtype);
  };
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only); PyTorch's default 0. */
  a?: number;
  /** Preserve the variance of the forward pass (`fan_in`, default) or the backward pass (`fan_out`). */
  mode?: FanMode;
  /** Default `leaky_relu`, as PyTorch (with a = 0 that is relu's gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(where: string, shape: Shape, options: KaimingOptions): number {
  const a = options.a ?? 0;
  finite(where, "a", a);
  const mode = options.mode ?? "fan_in";
  check(mode === "fan_in" || mode === "fan_out", "ARGUMENT", () => {
    return `${where}: mode must be "fan_in" or "fan_out", got ${JSON.stringify(mode)}`;
  });
  const fans = computeFans(shape, where);
  const fan = mode === "fan_in" ? fans.fanIn : fans.fanOut;
  return calculateGain(options.nonlinearity ?? "leaky_relu", a) / Math.sqrt(fan);
}

/**
 * He/Kaiming uniform: U(−b, b) with b = gain·√(3 / fan). Linear's default is
 * this with a = √5, which makes b = 1/√fanIn.
 * @example kaimingUniform({ a: Math.sqrt(5) })([out, inp], generator)
 */
export function kaimingUniform(options: KaimingOptions = {}): Initializer {
  return (shape, generator, dtype = "float32") => {
    const bound = Math.sqrt(3) * kaimingStd("kaimingUniform", shape, options);
    return generator.uniform(shape, -bound, bound, dtype);
  };
}

/** He/Kaiming normal: N(0, std²) with std = gain / √fan. */
export function kaimingNormal(options: KaimingOptions = {}): Initializer {
  return (shape, generator, dtype = "float32") =>
    generator.normal(shape, 0, kaimingStd("kaimingNormal", shape, options), dtype);
}

/** All zeros (PyTorch's usual bias when not uniform). */
export function zerosInit(): Initializer {
  return (shape, _generator, dtype = "float32") => full(shape, 0, dtype);
}

/** Every element `value`. */
export function constantInit(options: { value: number }): Initializer {
  const { value } = options;
  check(typeof value === "number" && !Number.isNaN(value), "ARGUMENT", () => {
    return `constantInit: value must be a number, got ${value}`;
  });
  return (shape, _generator, dtype = "float32") => full(shape, value, dtype);
}
