/**
 * The d2l warm-up series (§8.1): x_t = sin(0.01·t) + ε_t, ε_t ~ N(0, 0.2²),
 * t = 1 … T with T = 1000. The clean signal is known, so a model's error can
 * be compared with the noise floor (variance 0.04).
 */
import { z } from "@recurrent/registry";
import { check } from "../errors.js";
import { parseOptions } from "../options.js";
import { generatorFor, seedOption } from "../seed.js";

/** Options of `noisySine`, declared once: the `noisy-sine` dataset entry parses it too. */
export const noisySineSchema = z.object({
  length: z.number().int().min(1).default(1000).describe("number of values T"),
  frequency: z.number().default(0.01).describe("angular step per time step"),
  noiseStd: z.number().min(0).default(0.2).describe("standard deviation of the noise"),
  seed: seedOption,
});

export type NoisySineOptions = z.input<typeof noisySineSchema>;

/**
 * The noisy sine series.
 *
 * @example
 * const x = noisySine({ seed: 1 }); // Float64Array(1000)
 */
export function noisySine(options: NoisySineOptions = {}): Float64Array {
  // Worded "a number >= 0" as it always was, which checkOptions does not say;
  // the rule is the schema's.
  const given = options.noiseStd;
  check(
    given === undefined || (Number.isFinite(given) && given >= 0),
    "INVALID_ARGUMENT",
    () => `noisySine: noiseStd must be a number >= 0, got ${given}`,
  );
  const { length, frequency, noiseStd, seed } = parseOptions("noisySine", noisySineSchema, options);
  const random = generatorFor(seed);
  const values = sineSignal(length, frequency);
  for (let i = 0; i < length; i++)
    values[i] = (values[i] as number) + noiseStd * random.nextNormal();
  return values;
}

/** The clean signal sin(frequency·t) for t = 1 … length. */
export function sineSignal(
  length: number,
  frequency = noisySineSchema.shape.frequency.def.defaultValue,
): Float64Array {
  return Float64Array.from({ length }, (_, i) => Math.sin(frequency * (i + 1)));
}
