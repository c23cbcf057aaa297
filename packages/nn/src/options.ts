/**
 * Options of nn's plain functions (initialisers, losses) checked with the
 * zod schema their registry entry uses, so each default and rule is
 * declared once. Problems are worded by the registry's `checkOptions`
 * (`labelSmoothing must be in [0, 1], got 2`) and thrown as one NnError
 * (code ARGUMENT).
 */
import { checkOptions, type z } from "@recurrent/registry";
import { NnError } from "./errors.js";

/** `given` parsed by `schema`, defaults filled in and frozen; throws NnError naming `where`. */
export function parseOptions<S extends z.ZodType>(
  where: string,
  schema: S,
  given: unknown,
): Readonly<z.output<S>> {
  const result = checkOptions(schema, given);
  if (result.ok) return result.value;
  throw new NnError("ARGUMENT", `${where}: ${result.problems.join("; ")}`);
}
