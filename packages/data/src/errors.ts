/**
 * Every error this package throws. Each carries a stable `code`, so the
 * trainer can branch on the kind of failure without parsing text, and a
 * message in the shape `where: expected what, got what`, with a fix where
 * we know one.
 */

export type DataErrorCode =
  /** A source with nothing in it (no text, no values, no sequences). */
  | "EMPTY_SOURCE"
  /** A source too short for the requested window, batch or split. */
  | "TOO_SHORT"
  /** A CSV column that is not in the file. */
  | "UNKNOWN_COLUMN"
  /** A token outside the vocabulary, in strict mode. */
  | "UNKNOWN_TOKEN"
  /** A value in a series that is not a finite number. */
  | "NOT_NUMERIC"
  /** Malformed CSV (an unterminated quote, a short row). */
  | "CSV_SYNTAX"
  /** An option out of range or of the wrong form. */
  | "INVALID_ARGUMENT"
  /** A file that cannot be read (missing, a directory, no permission). */
  | "UNREADABLE_FILE"
  /** A saved state (vocabulary, scaler, iterator position) that does not fit. */
  | "INVALID_STATE";

export class DataError extends Error {
  override readonly name: string = "DataError";
  constructor(
    readonly code: DataErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A problem in a file or text, at a 1-based line number. */
export class ParseError extends DataError {
  override readonly name = "ParseError";
  constructor(
    code: DataErrorCode,
    readonly line: number,
    message: string,
  ) {
    super(code, message);
  }
}

/** Throw `new DataError(code, message())` unless `condition`; the message is built only on failure. */
export function check(
  condition: boolean,
  code: DataErrorCode,
  message: () => string,
): asserts condition {
  if (!condition) throw new DataError(code, message());
}

/** Check that `value` is an integer ≥ `min`, naming the option: `windows: tau must be an integer >= 1, got 0`. */
export function checkInteger(where: string, name: string, value: number, min: number): void {
  check(
    Number.isInteger(value) && value >= min,
    "INVALID_ARGUMENT",
    () => `${where}: ${name} must be an integer >= ${min}, got ${value}`,
  );
}
