/**
 * An autoregressive process AR(p) with known coefficients:
 * x_t = c + φ₁x_{t−1} + … + φ_p x_{t−p} + ε_t, ε_t ~ N(0, σ²).
 * A fitted `ar` model can be checked against φ (least squares recovers it).
 * The first `burnIn` values are discarded so the series starts in its
 * stationary regime rather than at zero.
 */
import { z } from "@recurrent/registry";
import { check } from "../errors.js";
import { parseOptions } from "../options.js";
import { generatorFor, seedOption } from "../seed.js";

/**
 * Options of `arProcess`, declared once. The `ar-process` dataset entry
 * parses it too, with a default for the coefficients (code must give them).
 */
export const arProcessSchema = z.object({
  coefficients: z.array(z.number()).min(1).readonly().describe("φ₁ … φ_p"),
  length: z.number().int().min(1).default(1000).describe("number of values returned"),
  intercept: z.number().default(0).describe("the constant c"),
  noiseStd: z.number().min(0).default(1).describe("σ, the noise's standard deviation"),
  burnIn: z.number().int().min(0).default(100).describe("values generated and thrown away first"),
  seed: seedOption,
});

export type ArProcessOptions = z.input<typeof arProcessSchema>;

/** Past this magnitude the process is taken to have diverged. */
const divergence = 1e12;

/**
 * Simulate AR(p).
 *
 * @example
 * const x = arProcess({ coefficients: [0.6, -0.2], length: 500, seed: 3 });
 */
export function arProcess(options: ArProcessOptions): Float64Array {
  const where = "arProcess";
  const { coefficients } = options;
  // Worded as it always was, which checkOptions does not say; the rule is the schema's too.
  check(
    coefficients.length > 0 && coefficients.every(Number.isFinite),
    "INVALID_ARGUMENT",
    () => `${where}: expected at least one finite coefficient, got [${coefficients.join(", ")}]`,
  );
  const { length, intercept, noiseStd, burnIn, seed } = parseOptions(
    where,
    arProcessSchema,
    options,
  );
  const p = coefficients.length;
  const random = generatorFor(seed);
  const total = burnIn + length;
  const x = new Float64Array(total);
  for (let t = 0; t < total; t++) {
    let value = intercept + noiseStd * random.nextNormal();
    for (let i = 0; i < p && i < t; i++)
      value += (coefficients[i] as number) * (x[t - 1 - i] as number);
    check(
      Math.abs(value) < divergence,
      "INVALID_ARGUMENT",
      () =>
        `${where}: the series diverged (|x| > 1e12 at step ${t}); coefficients [${coefficients.join(", ")}] do not give a stationary process`,
    );
    x[t] = value;
  }
  return x.slice(burnIn);
}
