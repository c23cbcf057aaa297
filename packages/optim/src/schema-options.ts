/**
 * Options checked by their zod schema, the one place where an option's
 * default and bounds are declared, with the messages the plain API has
 * always given (`adam: lr must be >= 0, got -0.1`), every problem at once.
 * The registry parses the same schema and words its issues its own way.
 */
import type { z } from "@recurrent/registry";
import { problemsError, show, unknownOption } from "./errors.js";

type AnySchema = z.ZodType;
interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  shape?: Record<string, AnySchema>;
  items?: AnySchema[];
  checks?: {
    _zod: { def: { check: string; value?: number; inclusive?: boolean; format?: string } };
  }[];
}
const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under `.default()`, `.optional()`, `.describe()` and refinements. */
function bare(s: AnySchema): AnySchema {
  let d = defOf(s);
  let cur = s;
  while (d.innerType !== undefined || d.type === "pipe") {
    cur = (d.innerType ?? d.in) as AnySchema;
    d = defOf(cur);
  }
  return cur;
}

/** The object shape behind a (possibly refined) object schema. */
export function shapeOf(schema: AnySchema): Record<string, AnySchema> {
  return defOf(bare(schema)).shape ?? {};
}

/** What a value of `field` must be, in the plain API's words (`>= 0`, `in [0, 1)`, …). */
function rule(field: AnySchema): { what: string; typed: (v: unknown) => boolean } {
  const d = defOf(bare(field));
  if (d.type === "boolean") return { what: "true or false", typed: () => true };
  if (d.type === "number") {
    let min: { value: number; inclusive: boolean } | undefined;
    let max: { value: number; inclusive: boolean } | undefined;
    let int = false;
    for (const c of d.checks ?? []) {
      const cd = c._zod.def;
      if (cd.check === "greater_than")
        min = { value: cd.value as number, inclusive: cd.inclusive === true };
      if (cd.check === "less_than")
        max = { value: cd.value as number, inclusive: cd.inclusive === true };
      if (cd.check === "number_format" && cd.format !== undefined && cd.format.includes("int"))
        int = true;
    }
    const isNum = (v: unknown) => typeof v === "number";
    if (int && min !== undefined) return { what: `an integer >= ${min.value}`, typed: () => true };
    if (min !== undefined && max !== undefined) {
      return {
        what: `in ${min.inclusive ? "[" : "("}${min.value}, ${max.value}${max.inclusive ? "]" : ")"}`,
        typed: () => true,
      };
    }
    if (min !== undefined)
      return { what: `${min.inclusive ? ">=" : ">"} ${min.value}`, typed: isNum };
    return { what: "a finite number", typed: () => true };
  }
  return { what: d.type, typed: () => true };
}

function problemFor(key: string, field: AnySchema, value: unknown): string | undefined {
  const d = defOf(bare(field));
  if (d.type === "tuple" && d.items !== undefined) {
    if (!Array.isArray(value) || value.length !== d.items.length) {
      return `${key} must be a pair [beta1, beta2], got ${show(value)}`;
    }
    for (let i = 0; i < d.items.length; i++) {
      const p = problemFor(`${key}[${i}]`, d.items[i] as AnySchema, value[i]);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if ((field as z.ZodType).safeParse(value).success) return undefined;
  const { what, typed } = rule(field);
  return `${key} must be ${typed(value) ? "" : "a number "}${what}, got ${show(value)}`;
}

/**
 * Merge `given` onto `base` (the values already in force), parse with
 * `schema` (defaults filled in there), and return a frozen copy. Throws one
 * OptimError (code INVALID_HYPERPARAMETER) listing every problem. `required`
 * words the message for a missing option without a default.
 */
export function parseOptions<S extends AnySchema>(
  where: string,
  schema: S,
  given: unknown,
  base?: Readonly<z.output<S>>,
  required: Readonly<Record<string, string>> = {},
): Readonly<z.output<S>> {
  if (
    given !== undefined &&
    (given === null || typeof given !== "object" || Array.isArray(given))
  ) {
    throw problemsError("INVALID_HYPERPARAMETER", where, "invalid hyper-parameters", [
      `options must be an object, got ${show(given)}`,
    ]);
  }
  const shape = shapeOf(schema);
  const known = Object.keys(shape);
  const input = (given ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(input)) {
    if (!known.includes(key) && input[key] !== undefined) problems.push(unknownOption(key, known));
  }
  const merged: Record<string, unknown> = {};
  for (const key of known) {
    let value = input[key];
    if (value === undefined) value = (base as Record<string, unknown> | undefined)?.[key];
    if (value === undefined) {
      if (!(shape[key] as AnySchema).safeParse(undefined).success) {
        problems.push(required[key] ?? `${key} is required, got nothing`);
      }
      continue;
    }
    const p = problemFor(key, shape[key] as AnySchema, value);
    if (p !== undefined) problems.push(p);
    merged[key] = value;
  }
  if (problems.length === 0) {
    const parsed = schema.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const params = (issue as { params?: { plain?: string } }).params;
        problems.push(params?.plain ?? `${issue.path.join(".")} ${issue.message}`);
      }
    } else {
      const out = parsed.data as Record<string, unknown>;
      for (const key of Object.keys(out)) {
        if (Array.isArray(out[key])) out[key] = Object.freeze([...(out[key] as unknown[])]);
      }
      return Object.freeze(out) as Readonly<z.output<S>>;
    }
  }
  throw problemsError("INVALID_HYPERPARAMETER", where, "invalid hyper-parameters", problems);
}
