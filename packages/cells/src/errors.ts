/** Errors of the cells package, each with a stable `code`. */

export type CellErrorCode = "SHAPE" | "CONFIG" | "STATE";

export class CellError extends Error {
  override readonly name = "CellError";
  constructor(
    readonly code: CellErrorCode,
    message: string,
  ) {
    super(message);
  }
}
