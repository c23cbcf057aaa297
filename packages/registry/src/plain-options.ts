/**
 * Options of a plain function (`adam({ lr })`, `uniform({ low, high })`)
 * checked against the same zod schema its registry entry uses, so an
 * option's default and rules are declared once. Problems are worded for
 * code rather than for a config file (`lr must be >= 0, got -0.1`, not
 * `lr: expected >= 0, got -0.1`), every one at once; each package throws
 * them as its own error.
 */
import { z } from "zod";
import { closestName } from "./suggest.js";

export type OptionsResult<T> =
  | { readonly ok: true; readonly value: Readonly<T> }
  | { readonly ok: false; readonly problems: string[] };

export interface CheckOptionsSettings<T> {
  /** Values already in force (a transform's hyper-parameters), under what is given. */
  readonly base?: Readonly<T> | undefined;
  /** How to word a missing option that has no default, by key. */
  readonly required?: Readonly<Record<string, string>> | undefined;
}

/**
 * Merge `given` onto `base` and the schema's defaults, and check it: each
 * option alone first, then the rules across options (a `superRefine` issue
 * words itself for code with `params: { plain }`). Returns the parsed
 * options frozen (arrays too), or every problem.
 *
 * @example
 * checkOptions(z.object({ lr: z.number().min(0).default(1e-3) }), { lr: -1 });
 * // { ok: false, problems: ["lr must be >= 0, got -1"] }
 */
export function checkOptions<S extends z.ZodType>(
  schema: S,
  given: unknown,
  settings: CheckOptionsSettings<z.output<S>> = {},
): OptionsResult<z.output<S>> {
  if (given !== undefined && !isRecord(given)) {
    return { ok: false, problems: [`options must be an object, got ${showValue(given)}`] };
  }
  const shape: Record<string, z.core.$ZodType> = schema instanceof z.ZodObject ? schema.shape : {};
  const known = Object.keys(shape);
  const input: Record<string, unknown> = given ?? {};
  const base: Record<string, unknown> = settings.base ?? {};
  const problems = Object.keys(input)
    .filter((key) => !known.includes(key) && input[key] !== undefined)
    .map((key) => unknownOption(key, known));
  const merged: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const value = input[key] === undefined ? base[key] : input[key];
    if (value === undefined) {
      if (!z.safeParse(field, undefined, noCodeGeneration).success) {
        problems.push(settings.required?.[key] ?? `${key} is required, got nothing`);
      }
      continue;
    }
    const problem = problemOf(key, field, value);
    if (problem !== undefined) problems.push(problem);
    merged[key] = value;
  }
  if (problems.length > 0) return { ok: false, problems };
  const parsed = schema.safeParse(merged, noCodeGeneration);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) =>
        issue.code === "custom" && typeof issue.params?.plain === "string"
          ? issue.params.plain
          : `${issue.path.join(".")} ${issue.message}`,
      ),
    };
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.data as object)) {
    out[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return { ok: true, value: Object.freeze(out) as Readonly<z.output<S>> };
}

/**
 * A package's `parseOptions`: `checkOptions` that returns the parsed options
 * or throws the package's own error, made by `fail` from the function's name
 * and the problems joined (`noisySine: length must be an integer >= 1, got 0`).
 *
 * @example
 * const parseOptions = optionsParser((message) => new NnError("ARGUMENT", message));
 * parseOptions("uniform", uniformSchema, { low: 2, high: 1 }); // throws NnError
 */
export function optionsParser(fail: (message: string) => Error) {
  return <S extends z.ZodType>(where: string, schema: S, given: unknown): Readonly<z.output<S>> => {
    const result = checkOptions(schema, given);
    if (result.ok) return result.value;
    throw fail(`${where}: ${result.problems.join("; ")}`);
  };
}

/** `"lrr"` → `unknown option "lrr"; did you mean "lr"? (options: …)`. */
export function unknownOption(key: string, known: readonly string[]): string {
  const near = closestName(key, [...known]);
  const hint = near === undefined ? "" : `; did you mean "${near}"?`;
  return `unknown option "${key}"${hint} (options: ${known.join(", ")})`;
}

/** A value as plain messages show it: numbers and booleans plainly, strings quoted, lists listed. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(", ")}]`;
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

/**
 * Parse without zod's generated fast path: options are small and parsed once
 * per call, and a layer made after a page's Content-Security-Policy has
 * forbidden 'unsafe-eval' must not need `new Function`.
 */
const noCodeGeneration = { jitless: true } as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema under `.default()`, `.optional()`, `.nullable()` and `.readonly()`. */
function bare(field: z.core.$ZodType): z.core.$ZodType {
  let s = field;
  while (
    s instanceof z.ZodDefault ||
    s instanceof z.ZodOptional ||
    s instanceof z.ZodNullable ||
    s instanceof z.ZodReadonly
  ) {
    s = s.unwrap();
  }
  return s;
}

/** The problem with `value` for option `key`, or undefined when it fits `field`. */
function problemOf(key: string, field: z.core.$ZodType, value: unknown): string | undefined {
  const core = bare(field);
  const got = `, got ${showValue(value)}`;
  // Lists are checked item by item, so a problem names its index (`betas[1]`).
  if (core instanceof z.ZodTuple) {
    const items = core.def.items;
    if (!Array.isArray(value) || value.length !== items.length) {
      return `${key} must be ${tupleWords(key, items)}${got}`;
    }
    const problem = firstProblem(key, items, value);
    if (problem !== undefined) return problem;
  }
  if (core instanceof z.ZodArray) {
    if (!Array.isArray(value)) {
      return `${key} must be a list of ${wordsFor(bare(core.element)).many}${got}`;
    }
    const problem = firstProblem(
      key,
      value.map(() => core.element),
      value,
    );
    if (problem !== undefined) return problem;
  }
  const parsed = z.safeParse(field, value, noCodeGeneration);
  if (parsed.success) return undefined;
  const custom = parsed.error.issues.find((issue) => issue.code === "custom");
  if (custom !== undefined) return `${key} ${custom.message}${got}`;
  const words = wordsFor(core);
  // `>= 0` alone would not say what is wrong with "fast" or Infinity (NaN reads plainly).
  const infinite = value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY;
  const kind = !words.numeric
    ? ""
    : typeof value !== "number"
      ? "a number "
      : infinite
        ? "a finite number "
        : "";
  return `${key} must be ${kind}${words.one}${got}`;
}

/** The first problem among a list's items, named by index. */
function firstProblem(
  key: string,
  items: readonly z.core.$ZodType[],
  values: readonly unknown[],
): string | undefined {
  for (const [i, item] of items.entries()) {
    const problem = problemOf(`${key}[${i}]`, item, values[i]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** `a pair [beta1, beta2]`, naming the items by their descriptions. */
function tupleWords(key: string, items: readonly z.core.$ZodType[]): string {
  const names = items.map((item, i) => z.globalRegistry.get(item)?.description ?? `${key}[${i}]`);
  return `${items.length === 2 ? "a pair" : `a list of ${items.length}`} [${names.join(", ")}]`;
}

/** Bounds that say nothing to a reader: none, or the safe-integer range zod gives every integer. */
const bound = (v: number | null) =>
  v === null || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v;

/**
 * What a value must be, read off the schema: `one` for a value (`>= 0`,
 * `in [0, 1)`, `an integer >= 1`, `"min" or "max"`), `many` for a list of
 * them, and `numeric` when a non-number should hear "a number".
 */
function wordsFor(field: z.core.$ZodType): { one: string; many: string; numeric: boolean } {
  if (field instanceof z.ZodBoolean)
    return { one: "true or false", many: "booleans", numeric: false };
  if (field instanceof z.ZodEnum) {
    const values = field.options.map((v) => JSON.stringify(v));
    const one = values.length === 2 ? values.join(" or ") : `one of ${values.join(", ")}`;
    return { one, many: `values, each ${one}`, numeric: false };
  }
  if (!(field instanceof z.ZodNumber))
    return { one: "valid", many: "valid values", numeric: false };
  const low = bound(field.minValue);
  const high = bound(field.maxValue);
  // A bound is inclusive when the bound itself passes.
  const from = low !== undefined && z.safeParse(field, low, noCodeGeneration).success ? ">=" : ">";
  const to = high !== undefined && z.safeParse(field, high, noCodeGeneration).success ? "<=" : "<";
  if (field.format?.includes("int")) {
    const at = low === undefined ? "" : ` ${from} ${low}`;
    return { one: `an integer${at}`, many: `integers${at}`, numeric: false };
  }
  if (low !== undefined && high !== undefined) {
    const one = `in ${from === ">=" ? "[" : "("}${low}, ${high}${to === "<=" ? "]" : ")"}`;
    return { one, many: `numbers ${one}`, numeric: false };
  }
  if (low !== undefined)
    return { one: `${from} ${low}`, many: `numbers ${from} ${low}`, numeric: true };
  if (high !== undefined)
    return { one: `${to} ${high}`, many: `numbers ${to} ${high}`, numeric: true };
  return { one: "a finite number", many: "finite numbers", numeric: false };
}
