/**
 * The d2l warm-up series (§8.1): x_t = sin(0.01·t) + ε_t, ε_t ~ N(0, 0.2²),
 * t = 1 … T with T = 1000. The clean signal is known, so a model's error can
 * be compared with the noise floor (variance 0.04).
 */
import { check, checkInteger } from "../errors.js";
import { generatorFor } from "../seed.js";

export interface NoisySineOptions {
  /** Number of values T. Default 1000. */
  length?: number;
  /** Angular step per time step. Default 0.01. */
  frequency?: number;
  /** Standard deviation of the noise. Default 0.2. */
  noiseStd?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
}

/**
 * The noisy sine series.
 *
 * @example
 * const x = noisySine({ seed: 1 }); // Float64Array(1000)
 */
export function noisySine(options: NoisySineOptions = {}): Float64Array {
  const length = options.length ?? 1000;
  const frequency = options.frequency ?? 0.01;
  const noiseStd = options.noiseStd ?? 0.2;
  checkInteger("noisySine", "length", length, 1);
  check(
    Number.isFinite(noiseStd) && noiseStd >= 0,
    "INVALID_ARGUMENT",
    () => `noisySine: noiseStd must be a number >= 0, got ${noiseStd}`,
  );
  const random = generatorFor(options.seed ?? 0);
  const values = sineSignal(length, frequency);
  for (let i = 0; i < length; i++)
    values[i] = (values[i] as number) + noiseStd * random.nextNormal();
  return values;
}

/** The clean signal sin(frequency·t) for t = 1 … length. */
export function sineSignal(length: number, frequency = 0.01): Float64Array {
  return Float64Array.from({ length }, (_, i) => Math.sin(frequency * (i + 1)));
}
