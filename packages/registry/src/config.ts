/**
 * Turning zod's issues into problems a person can act on: each names the
 * path, what was expected and what came. Unknown keys are problems too (a
 * typo such as `lrr` must not be silently ignored), with the closest known
 * key suggested.
 */
import { z } from "zod";
import type { ConfigSchema, Entry } from "./entry.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { closestName } from "./suggest.js";

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: ConfigProblem[] };

/** Parse `raw` with `schema`, rejecting unknown keys; never throws. */
export function parseConfig<TSchema extends ConfigSchema>(
  schema: TSchema,
  raw: unknown,
  pathPrefix = "",
): ParseResult<z.output<TSchema>> {
  const strict = schema instanceof z.ZodObject ? schema.strict() : schema;
  const result = strict.safeParse(raw ?? {});
  if (result.success) return { ok: true, value: result.data as z.output<TSchema> };
  const problems = result.error.issues.flatMap((issue) =>
    describeIssue(issue, raw, schema).map((p) => ({ ...p, path: joinPath(pathPrefix, p.path) })),
  );
  return { ok: false, problems };
}

/** How a config error of one entry is titled: `invalid config for optimizer "adam"`. */
export const configTitle = (kind: string, name: string): string =>
  `invalid config for ${kind} "${name}"`;

/**
 * An entry's config, validated with its defaults filled in; throws a
 * `ConfigError` listing every problem. What `registry.parse` runs, and what
 * a package uses to configure one entry without a registry.
 */
export function parseEntryConfig<TSchema extends ConfigSchema>(
  entry: Entry<string, string, TSchema, unknown>,
  raw: unknown,
): z.output<TSchema> {
  const result = parseConfig(entry.schema, raw);
  if (!result.ok) {
    throw new ConfigError(result.problems, configTitle(entry.kind, entry.name));
  }
  return result.value;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  schema: ConfigSchema,
): ConfigProblem[] {
  const path = formatPath(issue.path);
  const got = describeValue(valueAt(raw, issue.path));
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const near = closestName(key, known);
        const hint = near === undefined ? "" : `; did you mean "${near}"?`;
        const options = known.length > 0 ? ` (options: ${known.join(", ")})` : "";
        return { path: joinPath(path, key), message: `unknown option${hint}${options}` };
      });
    }
    case "invalid_type":
      return [{ path, message: `expected ${issue.expected}, got ${got}` }];
    case "too_small": {
      const op = issue.inclusive ? ">=" : ">";
      const what = issue.origin === "number" || issue.origin === "bigint" ? "" : "length ";
      return [{ path, message: `expected ${what}${op} ${issue.minimum}, got ${got}` }];
    }
    case "too_big": {
      const op = issue.inclusive ? "<=" : "<";
      const what = issue.origin === "number" || issue.origin === "bigint" ? "" : "length ";
      return [{ path, message: `expected ${what}${op} ${issue.maximum}, got ${got}` }];
    }
    case "invalid_value":
      return [
        {
          path,
          message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${got}`,
        },
      ];
    case "invalid_union": {
      const expected = issue.errors
        .flatMap((branch) => branch.filter((i) => i.code === "invalid_type" && i.path.length === 0))
        .map((i) => (i as { expected: string }).expected);
      const what = expected.length > 0 ? expected.join(" or ") : "a different value";
      return [{ path, message: `expected ${what}, got ${got}` }];
    }
    case "custom":
      // A check across fields states its whole problem itself (`params: { verbatim: true }`).
      if (issue.params?.verbatim === true) return [{ path, message: issue.message }];
      return [{ path, message: `${issue.message}, got ${got}` }];
    case "not_multiple_of":
      return [{ path, message: `expected a multiple of ${issue.divisor}, got ${got}` }];
    default:
      return [{ path, message: `${issue.message}, got ${got}` }];
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function joinPath(prefix: string, path: string): string {
  if (prefix === "") return path;
  if (path === "") return prefix;
  return path.startsWith("[") ? `${prefix}${path}` : `${prefix}.${path}`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}

/** Keys the object schema at `path` accepts, for "did you mean" on unknown keys. */
function knownKeys(schema: ConfigSchema, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const part of path) {
    const shape = objectShape(node);
    if (shape === undefined) return [];
    node = shape[String(part)];
  }
  const shape = objectShape(node);
  return shape === undefined ? [] : Object.keys(shape).sort();
}

function objectShape(node: unknown): Record<string, unknown> | undefined {
  let current = node;
  // Look through wrappers such as .default() and .optional() to the object inside.
  for (let depth = 0; depth < 8; depth++) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, unknown>;
    const inner = (current as { _zod?: { def?: { innerType?: unknown } } })?._zod?.def?.innerType;
    if (inner === undefined) return undefined;
    current = inner;
  }
  return undefined;
}
