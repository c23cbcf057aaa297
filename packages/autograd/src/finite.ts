/**
 * The NaN/Infinity hunt behind `setDebug({ checkFinite: true })`: the first
 * op whose output (or whose input gradient) is not finite, although its own
 * inputs were, is named in the error.
 */
import type { Tensor } from "@recurrent/tensor";
import { AutogradError } from "./errors.js";

function firstBad(t: Tensor): number {
  if (t.dtype === "int32") return -1;
  const data = t.data();
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i] as number)) return i;
  return -1;
}

export function checkForward(op: string, inputs: readonly Tensor[], output: Tensor): void {
  const at = firstBad(output);
  if (at < 0) return;
  const dirty = inputs.findIndex((t) => firstBad(t) >= 0);
  const value = output.data()[at];
  if (dirty >= 0) {
    throw new AutogradError(
      "NON_FINITE",
      `${op} (forward): input ${dirty} already holds NaN or Infinity; it came from an earlier, unrecorded computation or from the data`,
    );
  }
  throw new AutogradError(
    "NON_FINITE",
    `${op} (forward): produced ${value} at flat index ${at} of its output [${output.shape.join(",")}] from finite inputs`,
  );
}

export function checkBackward(op: string, inputIndex: number, grad: Tensor): void {
  const at = firstBad(grad);
  if (at < 0) return;
  throw new AutogradError(
    "NON_FINITE",
    `${op} (backward): gradient for input ${inputIndex} holds ${grad.data()[at]} at flat index ${at} (shape [${grad.shape.join(",")}])`,
  );
}
