/**
 * Making tensors: from nested arrays or typed arrays, and the usual
 * constants (zeros, ones, full, arange, eye). Creation is never recorded by
 * autograd: a created tensor is a leaf.
 */
import { kernel } from "../backend.js";
import { type DType, dtypeOfArray, type TypedArray } from "../dtype.js";
import { check, fmt } from "../errors.js";
import { checkShape, type Shape, sizeOf } from "../shape.js";
import type { NestedArray, Tensor } from "../tensor.js";
import { empty } from "./util.js";

export interface CreateOptions {
  dtype?: DType;
  shape?: Shape;
}

/**
 * A tensor from nested arrays, a flat typed array or a number.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                       // float32 [2,2]
 * tensor(new Int32Array([3, 1, 4]), { shape: [3] });
 * tensor([0.5, 1.5], { dtype: "float64" });
 */
export function tensor(data: NestedArray | TypedArray, options: CreateOptions = {}): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  let dtype = options.dtype;
  if (ArrayBuffer.isView(data)) {
    flat = data;
    inferred = [data.length];
    dtype ??= dtypeOfArray(data);
  } else {
    inferred = nestedShape(data);
    flat = flatten(data, inferred);
  }
  const shape = options.shape ?? inferred;
  checkShape("tensor", shape);
  check(sizeOf(shape) === flat.length, "SHAPE", () => {
    return `tensor: shape ${fmt(shape)} holds ${sizeOf(shape)} elements, but ${flat.length} were given`;
  });
  const out = empty(shape, dtype ?? "float32");
  const array = out.storage.array;
  if (out.dtype === "int32") {
    for (let i = 0; i < flat.length; i++) array[i] = Math.trunc(flat[i] as number);
  } else {
    array.set(flat as ArrayLike<number>);
  }
  return out;
}

/** A 0-d tensor. */
export function scalar(value: number, dtype: DType = "float32"): Tensor {
  return tensor(value, { dtype });
}

export function full(shape: Shape, value: number, dtype: DType = "float32"): Tensor {
  return filled("full", shape, value, dtype);
}

export function zeros(shape: Shape, dtype: DType = "float32"): Tensor {
  return filled("zeros", shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = "float32"): Tensor {
  return filled("ones", shape, 1, dtype);
}

function filled(op: string, shape: Shape, value: number, dtype: DType): Tensor {
  checkShape(op, shape);
  const out = empty(shape, dtype);
  kernel("fill")(out.storage, value);
  return out;
}

export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype);
}

/** start, start + step, … up to but excluding `stop` (NumPy's arange). */
export function arange(start: number, stop?: number, step = 1, dtype: DType = "float32"): Tensor {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  check(step !== 0, "ARGUMENT", () => "arange: step must not be 0");
  const count = Math.max(0, Math.ceil((to - from) / step));
  const out = empty([count], dtype);
  const array = out.storage.array;
  for (let i = 0; i < count; i++) array[i] = from + i * step;
  return out;
}

/** The n×m identity (m defaults to n). */
export function eye(n: number, m = n, dtype: DType = "float32"): Tensor {
  checkShape("eye", [n, m]);
  const out = zeros([n, m], dtype);
  const array = out.storage.array;
  for (let i = 0; i < Math.min(n, m); i++) array[i * m + i] = 1;
  return out;
}

function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as NestedArray;
  }
  return shape;
}

function flatten(data: NestedArray, shape: Shape): number[] {
  const out: number[] = [];
  const walk = (node: NestedArray, depth: number, path: string) => {
    if (depth === shape.length) {
      check(
        typeof node === "number",
        "SHAPE",
        () => `tensor: ragged nested array: expected a number at ${path}, got an array`,
      );
      out.push(node);
      return;
    }
    check(Array.isArray(node) && node.length === shape[depth], "SHAPE", () => {
      const got = !Array.isArray(node)
        ? "a number"
        : `${node.length} item${node.length === 1 ? "" : "s"}`;
      return `tensor: ragged nested array: expected ${shape[depth]} items at ${path}, got ${got}`;
    });
    (node as readonly NestedArray[]).forEach((child, i) => {
      walk(child, depth + 1, `${path}[${i}]`);
    });
  };
  walk(data, 0, "data");
  return out;
}
