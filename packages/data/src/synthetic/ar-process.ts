/**
 * An autoregressive process AR(p) with known coefficients:
 * x_t = c + φ₁x_{t−1} + … + φ_p x_{t−p} + ε_t, ε_t ~ N(0, σ²).
 * A fitted `ar` model can be checked against φ (least squares recovers it).
 * The first `burnIn` values are discarded so the series starts in its
 * stationary regime rather than at zero.
 */
import { check, checkInteger } from "../errors.js";
import { generatorFor } from "../seed.js";

export interface ArProcessOptions {
  /** φ₁ … φ_p. */
  coefficients: readonly number[];
  /** Number of values returned. Default 1000. */
  length?: number;
  /** The constant c. Default 0. */
  intercept?: number;
  /** σ, the noise's standard deviation. Default 1. */
  noiseStd?: number;
  /** Values generated and thrown away first. Default 100. */
  burnIn?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
}

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
  const length = options.length ?? 1000;
  const burnIn = options.burnIn ?? 100;
  const intercept = options.intercept ?? 0;
  const noiseStd = options.noiseStd ?? 1;
  check(
    coefficients.length > 0 && coefficients.every(Number.isFinite),
    "INVALID_ARGUMENT",
    () => `${where}: expected at least one finite coefficient, got [${coefficients.join(", ")}]`,
  );
  checkInteger(where, "length", length, 1);
  checkInteger(where, "burnIn", burnIn, 0);
  check(
    Number.isFinite(noiseStd) && noiseStd >= 0,
    "INVALID_ARGUMENT",
    () => `${where}: noiseStd must be a number >= 0, got ${noiseStd}`,
  );
  const p = coefficients.length;
  const random = generatorFor(options.seed ?? 0);
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
