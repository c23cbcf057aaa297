/**
 * A Parameter is a float tensor that a module owns and an optimizer updates.
 *
 * It is a subclass of Tensor, not a marker: every op takes it as it is, and
 * `instanceof Parameter` tells a module's own weights apart from tensors
 * that merely pass through it. Like `torch.nn.Parameter`, it shares storage
 * with the tensor it is made from (a contiguous copy is made only for a
 * strided view), is a leaf with `requiresGrad` set, and lives outside any
 * `tidy` scope, since a model outlives every training step.
 *
 * Optimizers and `loadStateDict` write a parameter's values in place, in its
 * storage, so every holder of the parameter sees the new values.
 */
import { noGrad } from "@recurrent/autograd";
import { contiguous, keep, Tensor } from "@recurrent/tensor";
import { check } from "./errors.js";

export class Parameter extends Tensor {
  /** Always true; lets code recognise a parameter without importing this class. */
  readonly isParameter = true;

  /**
   * @example
   * const w = new Parameter(zeros([3, 4])); // w.requiresGrad === true
   */
  constructor(data: Tensor, requiresGrad = true) {
    check(data.dtype !== "int32", "DTYPE", () => {
      return `Parameter: expected a float32 or float64 tensor, got ${data.dtype}`;
    });
    data.assertLive("Parameter");
    const source = data.isContiguous ? data : noGrad(() => contiguous(data));
    super(source.storage, source.shape, undefined, source.offset);
    this.requiresGrad = requiresGrad;
    keep(this);
  }

  /**
   * Overwrite the values in place with `values` (same shape; float32 and
   * float64 convert), as `torch.Tensor.copy_` does. No gradient is recorded.
   */
  assign(values: Tensor): this {
    values.assertLive("Parameter.assign");
    check(
      values.shape.length === this.shape.length &&
        values.shape.every((d, i) => d === this.shape[i]),
      "SHAPE",
      () =>
        `Parameter.assign: expected values of shape [${this.shape.join(",")}], got [${values.shape.join(",")}]`,
    );
    const target = this.storage.array;
    target.set(values.data(), this.offset);
    return this;
  }
}

/** True for a Parameter (or any object that says it is one). */
export function isParameter(value: unknown): value is Parameter {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { isParameter?: unknown }).isParameter === true
  );
}
