/**
 * Options checked by their zod schema, the one place where an option's
 * default and rules are declared: the registry's `checkOptions` words every
 * problem as the plain API always has (`adam: lr must be >= 0, got -0.1`),
 * and this throws them as one OptimError (code INVALID_HYPERPARAMETER).
 */
import { checkOptions, type z } from "@recurrent/registry";
import { problemsError } from "./errors.js";

/**
 * Merge `given` onto `base` (the values already in force), parse with
 * `schema` (defaults filled in there), and return a frozen copy. `required`
 * words the message for a missing option without a default.
 */
export function parseOptions<S extends z.ZodType>(
  where: string,
  schema: S,
  given: unknown,
  base?: Readonly<z.output<S>>,
  required?: Readonly<Record<string, string>>,
): Readonly<z.output<S>> {
  const result = checkOptions(schema, given, { base, required });
  if (result.ok) return result.value;
  throw problemsError("INVALID_HYPERPARAMETER", where, "invalid hyper-parameters", result.problems);
}
