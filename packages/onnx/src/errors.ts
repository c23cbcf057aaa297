/**
 * The one error @recurrent/onnx throws, with a stable `code` so callers
 * branch on the kind of failure: a model part ONNX's operators cannot hold
 * (`UNSUPPORTED`) or a bad option (`OPTIONS`). Messages say where, what was
 * expected and what came.
 */
export type OnnxErrorCode = "UNSUPPORTED" | "OPTIONS";

export class OnnxExportError extends Error {
  override readonly name: string = "OnnxExportError";
  constructor(
    readonly code: OnnxErrorCode,
    message: string,
  ) {
    super(message);
  }
}
