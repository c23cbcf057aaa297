/**
 * What the losses share: the reduction (PyTorch's `reduction=` argument) and
 * masks. A mask marks the positions that count (1) and those that do not (0,
 * padding); other non-negative values weight positions. "mean" divides by
 * the total weight of the positions that count, not by the number of
 * positions, so padding never dilutes a loss.
 */
import { z } from "@recurrent/registry";
import { add, cast, div, mul, reshape, sum, type Tensor } from "@recurrent/tensor";
import { check, fmt } from "../errors.js";

/** Every loss's `reduction` option (PyTorch's `reduction=`), declared once. */
export const reduction = z
  .enum(["mean", "sum", "none"])
  .default("mean")
  .describe('"mean" over the positions that count, "sum", or "none"');

export type Reduction = z.output<typeof reduction>;

/**
 * `mask` as `dtype`, reshaped so it broadcasts over `shape`: the mask covers
 * the leading axes of `shape` (e.g. [batch, time] for [batch, time, features]).
 * Returns the mask and the number of elements each mask entry stands for.
 */
export function alignMask(
  where: string,
  mask: Tensor,
  shape: readonly number[],
  dtype: "float32" | "float64",
): { mask: Tensor; perEntry: number } {
  const prefix = mask.rank <= shape.length && mask.shape.every((d, i) => d === shape[i]);
  check(prefix, "SHAPE", () => {
    return `${where}: mask must be ${fmt(shape)} or a leading part of it, got ${fmt(mask.shape)}`;
  });
  const trailing = shape.slice(mask.rank);
  const perEntry = trailing.reduce((a, b) => a * b, 1);
  const m = cast(mask, dtype);
  const aligned = trailing.length === 0 ? m : reshape(m, [...mask.shape, ...trailing.map(() => 1)]);
  return { mask: aligned, perEntry };
}

/** The total weight of `mask` (a plain number: masks carry no gradient). */
export function maskTotal(mask: Tensor): number {
  const values = mask.data();
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

/**
 * Reduce per-element losses that are already multiplied by their weights:
 * "none" returns them, "sum" adds them, "mean" divides the sum by `count`.
 *
 * With nothing to count (every target ignored, an all-zero mask) "mean" is
 * 0/0: NaN, as in PyTorch, and, as in PyTorch, its gradient is zeros rather
 * than ∂(s/0)/∂s = ∞ times the zero weights (∞·0 = NaN), so one all-padding
 * batch cannot turn every parameter into NaN: loss = 0·s + NaN, ∂loss/∂s = 0.
 */
export function reduce(losses: Tensor, reduction: Reduction, count: number): Tensor {
  if (reduction === "none") return losses;
  const total = sum(losses);
  if (reduction === "sum") return total;
  return count === 0 ? add(mul(total, 0), Number.NaN) : div(total, count);
}

/** Elementwise product with an optional mask. */
export function applyMask(losses: Tensor, mask: Tensor | undefined): Tensor {
  return mask === undefined ? losses : mul(losses, mask);
}
