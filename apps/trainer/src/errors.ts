/**
 * The trainer's own errors, each with a stable code, and the one place that
 * turns any error into what the user reads and the exit code. Errors from
 * the packages (registry, data, nn, optim, cells) already say where, what
 * was expected and what came; they are printed as they are.
 */

export type TrainerErrorCode =
  | "USAGE"
  | "CONFIG"
  | "PLUGIN"
  | "MISSING_FILE"
  | "DATA"
  | "RUN_DIR"
  | "CHECKPOINT"
  | "UNSUPPORTED"
  | "DIVERGED"
  | "DISK_FULL"
  | "WRITE"
  | "LOCKED"
  | "TOO_LARGE"
  | "ENCODING";

export class TrainerError extends Error {
  override readonly name = "TrainerError";
  constructor(
    readonly code: TrainerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Error classes of our packages: their messages are written for the user. */
const userFacing = new Set([
  "TrainerError",
  "RegistryError",
  "ConfigError",
  "DataError",
  "ParseError",
  "NnError",
  "StateDictError",
  "SafetensorsError",
  "OptimError",
  "CellError",
  "ShapeError",
  "DTypeError",
  "TensorError",
  "AutogradError",
  "CommanderError",
]);

/** Whether an error is one we expect a person to fix (printed without a stack). */
export function isUserError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  if (userFacing.has(error.name) || userFacing.has(error.constructor.name)) return true;
  return "code" in error && typeof (error as { code: unknown }).code === "string";
}

/** Prefix every line after the first, so a multi-line message reads as one block. */
export function formatError(error: unknown): string {
  if (isUserError(error)) return `error: ${error.message}`;
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return `internal error (please report it): ${stack}`;
}
