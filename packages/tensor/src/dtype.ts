/**
 * The three element types a tensor can hold: float32 (the default, what
 * training runs in), float64 (for finite-difference gradient checks) and
 * int32 (token ids and other indices).
 */

export type DType = "float32" | "float64" | "int32";
export type FloatDType = "float32" | "float64";

export type TypedArray = Float32Array | Float64Array | Int32Array;

/** The typed-array type that stores each dtype. */
export interface ArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
}

export const bytesPerElement: Readonly<Record<DType, number>> = {
  float32: 4,
  float64: 8,
  int32: 4,
};

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype !== "int32";
}

/** A view of `length` elements of `dtype` at `byteOffset` in `buffer`. */
export function viewOf(
  dtype: DType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, byteOffset, length);
    case "float64":
      return new Float64Array(buffer, byteOffset, length);
    case "int32":
      return new Int32Array(buffer, byteOffset, length);
  }
}

export function newArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int32":
      return new Int32Array(length);
  }
}

export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float32Array) return "float32";
  if (array instanceof Float64Array) return "float64";
  return "int32";
}
