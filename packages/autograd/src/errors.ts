/** Errors of the autograd package, each with a stable `code`. */

export type AutogradErrorCode =
  | "NO_GRAD"
  | "NOT_SCALAR"
  | "NON_FINITE"
  | "GRAD_SHAPE"
  | "GRADCHECK"
  | "GRAPH_FREED";

export class AutogradError extends Error {
  override readonly name = "AutogradError";
  constructor(
    readonly code: AutogradErrorCode,
    message: string,
  ) {
    super(message);
  }
}
