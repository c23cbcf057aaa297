/**
 * Errors of the tensor package. Each names the op, the shapes and the dtypes
 * involved, and carries a stable `code`:
 * `matMul: inner dimensions differ: a is [2,3], b is [4,5]`.
 */

export type TensorErrorCode = "SHAPE" | "DTYPE" | "ARGUMENT" | "DISPOSED" | "BACKEND";

export class TensorError extends Error {
  override readonly name: string = "TensorError";
  constructor(
    readonly code: TensorErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class ShapeError extends TensorError {
  override readonly name = "ShapeError";
  constructor(message: string) {
    super("SHAPE", message);
  }
}

export class DTypeError extends TensorError {
  override readonly name = "DTypeError";
  constructor(message: string) {
    super("DTYPE", message);
  }
}

/** The error for reading a disposed tensor, or one whose storage is gone. */
export function disposedError(op: string): TensorError {
  return new TensorError(
    "DISPOSED",
    `${op}: a tensor was used after it was disposed (created inside a tidy() that has ended? return it from the tidy or keep() it)`,
  );
}

/** `[2,3]`: shapes are printed without spaces, as in the error examples. */
export function fmt(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Throw `new TensorError(code, message())` unless `condition`; the message is built only on failure. */
export function check(
  condition: boolean,
  code: TensorErrorCode,
  message: () => string,
): asserts condition {
  if (!condition) {
    if (code === "SHAPE") throw new ShapeError(message());
    if (code === "DTYPE") throw new DTypeError(message());
    throw new TensorError(code, message());
  }
}
