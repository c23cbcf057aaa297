/**
 * Reductions along axes: sum, prod, max, min, argmax, argmin as recorded
 * primitives, and mean, logsumexp and norm composed from them (so their
 * gradients come for free and stay correct).
 */
import { kernel, type ReduceOp } from "../backend.js";
import type { DType } from "../dtype.js";
import { check, fmt } from "../errors.js";
import { type OpName, recordOp } from "../record.js";
import { normalizeAxes, normalizeAxis, type Shape, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, div, mul, pow } from "./binary.js";
import { abs, exp, log, sqrt, square } from "./unary.js";
import { assertFloat, assertLive, empty } from "./util.js";
import { reshape } from "./views.js";

export interface ReduceOptions {
  /** Keep reduced axes as size 1 (default false). */
  keepDims?: boolean;
}

type Axes = number | readonly number[] | undefined;

function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  return keepDims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

function reduceOp(name: Extract<OpName, "Sum" | "Prod" | "Max" | "Min">, op: ReduceOp) {
  return (x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor => {
    assertLive(op, x);
    const list = normalizeAxes(op, axes, x.rank);
    const keepDims = options.keepDims ?? false;
    const shape = reducedShape(x.shape, list, keepDims);
    if ((op === "max" || op === "min") && x.size === 0 && sizeOf(shape) > 0) {
      check(false, "SHAPE", () => {
        return `${op}: cannot reduce over an empty axis: axes [${list.join(",")}] of ${fmt(x.shape)} hold no elements`;
      });
    }
    const out = empty(shape, x.dtype);
    kernel("reduce")(op, x, list, out.storage);
    return recordOp(name, [x], { axes: list, keepDims }, out);
  };
}

/** Σ over `axes` (all by default). @example sum(x, -1, { keepDims: true }) */
export const sum = reduceOp("Sum", "sum");
/** Π over `axes`. */
export const prod = reduceOp("Prod", "prod");
/** Largest element over `axes` (NaN if any is NaN). */
export const max = reduceOp("Max", "max");
/** Smallest element over `axes`. */
export const min = reduceOp("Min", "min");

function argReduceOp(name: "ArgMax" | "ArgMin", op: "argmax" | "argmin") {
  return (x: Tensor, axis = -1, options: ReduceOptions = {}): Tensor => {
    assertLive(op, x);
    const a = normalizeAxis(op, axis, x.rank);
    check(
      (x.shape[a] as number) > 0,
      "SHAPE",
      () => `${op}: axis ${a} of ${fmt(x.shape)} is empty`,
    );
    const keepDims = options.keepDims ?? false;
    const out = empty(reducedShape(x.shape, [a], keepDims), "int32");
    kernel("argReduce")(op, x, a, out.storage);
    return recordOp(name, [x], { axis: a, keepDims }, out);
  };
}

/** Index (int32) of the largest element along `axis` (the first on ties). */
export const argmax = argReduceOp("ArgMax", "argmax");
/** Index (int32) of the smallest element along `axis`. */
export const argmin = argReduceOp("ArgMin", "argmin");

/** Arithmetic mean over `axes`. */
export function mean(x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor {
  assertFloat("mean", x);
  const list = normalizeAxes("mean", axes, x.rank);
  const count = sizeOf(list.map((a) => x.shape[a] as number));
  return div(sum(x, list, options), count);
}

/** log Σ exp(x) over `axes`, computed stably as m + log Σ exp(x − m) with m the max. */
export function logsumexp(x: Tensor, axes?: Axes, options: ReduceOptions = {}): Tensor {
  assertFloat("logsumexp", x);
  const list = normalizeAxes("logsumexp", axes, x.rank);
  // The shift is a constant (not recorded): the result does not depend on it.
  // Over no elements the sum is 0 and the result −Infinity, as in PyTorch.
  const empties = list.some((a) => x.shape[a] === 0);
  const shift = empties
    ? zerosOf(reducedShape(x.shape, list, true), x.dtype)
    : finiteOrZero(max(x, list, { keepDims: true }));
  const s = sum(exp(add(x, mul(shift, -1))), list, { keepDims: true });
  const out = add(log(s), shift);
  return options.keepDims ? out : reshape(out, reducedShape(x.shape, list, false));
}

/** A fresh copy of `m` with ±Infinity and NaN replaced by 0, so x − m stays finite or exactly −Infinity. */
function finiteOrZero(m: Tensor): Tensor {
  const out = empty(m.shape, m.dtype);
  const src = m.data();
  const dst = out.storage.array;
  for (let i = 0; i < src.length; i++)
    dst[i] = Number.isFinite(src[i] as number) ? (src[i] as number) : 0;
  return out;
}

function zerosOf(shape: Shape, dtype: DType): Tensor {
  const out = empty(shape, dtype);
  out.storage.array.fill(0);
  return out;
}

/** The p-norm over `axes` (p = 2 by default; 1 and Infinity too). */
export function norm(x: Tensor, p = 2, axes?: Axes, options: ReduceOptions = {}): Tensor {
  assertFloat("norm", x);
  if (p === 2) return sqrt(sum(square(x), axes, options));
  if (p === 1) return sum(abs(x), axes, options);
  if (p === Number.POSITIVE_INFINITY) return max(abs(x), axes, options);
  check(p > 0, "ARGUMENT", () => `norm: p must be > 0, got ${p}`);
  return pow(sum(pow(abs(x), p), axes, options), 1 / p);
}
