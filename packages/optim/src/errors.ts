/**
 * Every error @recurrent/optim throws, in one place. Each has a stable
 * `code`, so the trainer and tests branch on the kind of failure without
 * parsing text, and a message in the form `where: expected what, got what`.
 */
export type OptimErrorCode =
  /** A hyper-parameter is out of range, of the wrong type, or unknown. */
  | "INVALID_HYPERPARAMETER"
  /** The parameters given to an optimizer are unusable (duplicate names, int32, a strided view). */
  | "INVALID_PARAMETERS"
  /** A gradient does not fit its parameter, or names no parameter. */
  | "GRADIENT_MISMATCH"
  /** clipGradNorm met a NaN or infinite norm with `errorIfNonfinite` set. */
  | "NON_FINITE_NORM"
  /** A saved state does not fit the optimizer or schedule it is loaded into. */
  | "INVALID_STATE"
  /** reduce-on-plateau was stepped without the metric it watches. */
  | "MISSING_METRIC";

export class OptimError extends Error {
  override readonly name = "OptimError";
  constructor(
    readonly code: OptimErrorCode,
    message: string,
    /** For INVALID_HYPERPARAMETER and INVALID_STATE: every problem found, one per line of the message. */
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

/**
 * One error listing every problem: `where: problem` for one, and a list for
 * several, so a bad config is fixed in one round.
 */
export function problemsError(
  code: OptimErrorCode,
  where: string,
  what: string,
  problems: readonly string[],
): OptimError {
  const message =
    problems.length === 1
      ? `${where}: ${problems[0]}`
      : `${where}: ${problems.length} ${what}:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
  return new OptimError(code, message, problems);
}

/** Throw INVALID_HYPERPARAMETER for one problem found outside an options schema. */
export function invalid(where: string, problem: string): OptimError {
  return problemsError("INVALID_HYPERPARAMETER", where, "invalid hyper-parameters", [problem]);
}
