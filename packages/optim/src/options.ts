/**
 * Checking hyper-parameters the way PyTorch's constructors do, with
 * messages that name the factory, the option and the value
 * (`adam: lr must be >= 0, got -0.1`), and every problem reported at once.
 *
 * Each factory declares its options as a table of defaults and checks; the
 * same table validates per-step overrides (a schedule setting `lr`), so a
 * value is checked in one place whichever way it arrives.
 */
import { showValue as show, unknownOption } from "@recurrent/registry";
import { problemsError } from "./errors.js";

/** Returns the problem (`lr must be >= 0, got -0.1`) or undefined when `value` is fine. */
export type Check = (key: string, value: unknown) => string | undefined;

export interface OptionSpec {
  /** Used when the option is not given; leave out to make the option required. */
  readonly default?: unknown;
  readonly check: Check;
  /** What to say when a required option is missing. */
  readonly required?: string;
}

export type OptionSpecs<T> = { readonly [K in keyof T]-?: OptionSpec };

const isNumber = (v: unknown): v is number => typeof v === "number";

/** A number >= 0 (NaN is rejected, as PyTorch's `not 0.0 <= x` does). */
export const nonNegative: Check = (key, v) =>
  isNumber(v) && v >= 0
    ? undefined
    : `${key} must be ${isNumber(v) ? "" : "a number "}>= 0, got ${show(v)}`;

/** A number > 0. */
export const positive: Check = (key, v) =>
  isNumber(v) && v > 0
    ? undefined
    : `${key} must be ${isNumber(v) ? "" : "a number "}> 0, got ${show(v)}`;

/** A finite number (any sign). */
export const finite: Check = (key, v) =>
  isNumber(v) && Number.isFinite(v) ? undefined : `${key} must be a finite number, got ${show(v)}`;

/** A number in [0, 1). */
export const unitOpen: Check = (key, v) =>
  isNumber(v) && v >= 0 && v < 1 ? undefined : `${key} must be in [0, 1), got ${show(v)}`;

/** A number in [0, 1]. */
export const unitClosed: Check = (key, v) =>
  isNumber(v) && v >= 0 && v <= 1 ? undefined : `${key} must be in [0, 1], got ${show(v)}`;

/** An integer >= `min`. */
export const integerAtLeast =
  (min: number): Check =>
  (key, v) =>
    isNumber(v) && Number.isInteger(v) && v >= min
      ? undefined
      : `${key} must be an integer >= ${min}, got ${show(v)}`;

export const boolean: Check = (key, v) =>
  typeof v === "boolean" ? undefined : `${key} must be true or false, got ${show(v)}`;

export const oneOf =
  (values: readonly string[]): Check =>
  (key, v) =>
    typeof v === "string" && values.includes(v)
      ? undefined
      : `${key} must be ${values.map((x) => JSON.stringify(x)).join(" or ")}, got ${show(v)}`;

/** Adam's `betas`: a pair, each in [0, 1). */
export const betas: Check = (key, v) => {
  if (!Array.isArray(v) || v.length !== 2) {
    return `${key} must be a pair [beta1, beta2], got ${show(v)}`;
  }
  return unitOpen(`${key}[0]`, v[0]) ?? unitOpen(`${key}[1]`, v[1]);
};

/** A list of integers >= 1 in non-decreasing order (repeats allowed, as PyTorch counts them). */
export const milestones: Check = (key, v) => {
  if (!Array.isArray(v)) return `${key} must be a list of integers >= 1, got ${show(v)}`;
  for (let i = 0; i < v.length; i++) {
    const problem = integerAtLeast(1)(`${key}[${i}]`, v[i]);
    if (problem !== undefined) return problem;
    if (i > 0 && (v[i] as number) < (v[i - 1] as number)) {
      return `${key} must be in increasing order, got ${show(v)}`;
    }
  }
  return undefined;
};

/**
 * Merge `given` onto `base` (the values already in force) and the defaults,
 * check every option and the cross-option rules, and return a frozen copy.
 * Throws one OptimError (code INVALID_HYPERPARAMETER) listing every problem.
 */
export function resolveOptions<T extends object>(
  where: string,
  specs: OptionSpecs<T>,
  given: unknown,
  cross?: (values: T) => string[],
  base?: Readonly<T>,
): Readonly<T> {
  const problems: string[] = [];
  if (
    given !== undefined &&
    (given === null || typeof given !== "object" || Array.isArray(given))
  ) {
    throw problemsError("INVALID_HYPERPARAMETER", where, "invalid hyper-parameters", [
      `options must be an object, got ${show(given)}`,
    ]);
  }
  const input = (given ?? {}) as Record<string, unknown>;
  const known = Object.keys(specs);
  for (const key of Object.keys(input)) {
    if (!known.includes(key) && input[key] !== undefined) problems.push(unknownOption(key, known));
  }
  const out: Record<string, unknown> = {};
  for (const key of known) {
    const spec = (specs as Record<string, OptionSpec>)[key] as OptionSpec;
    let value = input[key];
    if (value === undefined) value = (base as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) value = spec.default;
    if (value === undefined) {
      problems.push(spec.required ?? `${key} is required, got nothing`);
      continue;
    }
    const problem = spec.check(key, value);
    if (problem !== undefined) problems.push(problem);
    out[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  if (problems.length === 0 && cross !== undefined) problems.push(...cross(out as T));
  if (problems.length > 0) {
    throw problemsError("INVALID_HYPERPARAMETER", where, "invalid hyper-parameters", problems);
  }
  return Object.freeze(out) as Readonly<T>;
}
