/**
 * The one loop both scalers run: apply an affine map to plain numbers or to a
 * tensor, keeping the tensor's shape (float tensors keep their dtype; an int32
 * tensor becomes float32).
 */
import { type Tensor, tensor } from "@recurrent/tensor";
import { check } from "./errors.js";

/** Values a scaler accepts: plain numbers or a tensor. */
export type Scalable = ArrayLike<number> | Tensor;

/** What scaling `T` gives: a tensor for a tensor, else a Float64Array. */
export type Scaled<T extends Scalable> = T extends Tensor ? Tensor : Float64Array;

/**
 * `(values − center) · scale + offset`, elementwise. Centering first keeps
 * precision when the center is large and the scale small.
 */
export function affine<T extends Scalable>(
  values: T,
  center: number,
  scale: number,
  offset: number,
): Scaled<T> {
  if (isTensor(values)) {
    const source = values.data();
    const out =
      values.dtype === "float64"
        ? new Float64Array(source.length)
        : new Float32Array(source.length);
    for (let i = 0; i < source.length; i++) {
      out[i] = ((source[i] as number) - center) * scale + offset;
    }
    return tensor(out, { shape: values.shape }) as Scaled<T>;
  }
  const source = values as ArrayLike<number>;
  const out = new Float64Array(source.length);
  for (let i = 0; i < source.length; i++)
    out[i] = ((source[i] as number) - center) * scale + offset;
  return out as Scaled<T>;
}

/** Check that there is something to fit on and that every value is a finite number. */
export function checkFitValues(where: string, values: ArrayLike<number>): void {
  check(values.length > 0, "EMPTY_SOURCE", () => `${where}: expected values to fit on, got none`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    check(
      typeof v === "number" && Number.isFinite(v),
      "NOT_NUMERIC",
      () => `${where}: expected finite numbers, got ${String(v)} at index ${i}`,
    );
  }
}

/**
 * A spread (std, max − min) to divide by, or 1 when the data is numerically
 * constant: the spread is within rounding of its magnitude, or so small that
 * dividing by it overflows.
 */
export function usableSpread(spread: number, magnitude: number): number {
  const negligible = spread <= 10 * Number.EPSILON * Math.abs(magnitude);
  return spread > 0 && !negligible && Number.isFinite(1 / spread) ? spread : 1;
}

function isTensor(x: Scalable): x is Tensor {
  return (x as { isTensor?: unknown }).isTensor === true;
}
