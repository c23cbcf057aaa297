/**
 * The plain functions' option check: a loader's zod schema, worded by the
 * registry's checkOptions, thrown as @recurrent/data's DataError (browser-safe).
 */
import { DataError } from "@recurrent/data";
import { checkOptions, type z } from "@recurrent/registry";

export function parseOptions<S extends z.ZodType>(
  where: string,
  schema: S,
  given: unknown,
): Readonly<z.output<S>> {
  const result = checkOptions(schema, given);
  if (result.ok) return result.value;
  throw new DataError("INVALID_ARGUMENT", `${where}: ${result.problems.join("; ")}`);
}
