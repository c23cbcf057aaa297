/**
 * Mean squared error and mean absolute error (L1), as PyTorch's `mse_loss`
 * and `l1_loss`, plus masks: a mask over the leading axes (e.g. [batch,
 * time] for predictions [batch, time, features]) drops padded positions, and
 * "mean" divides by the number of elements that count.
 *
 * Gradients (through the recorded ops), with d = prediction − target and
 * N the count: MSE ∂/∂prediction = 2·d·m/N; L1 ∂/∂prediction = sign(d)·m/N
 * (0 at d = 0, as PyTorch).
 */
import { abs, square, sub, type Tensor } from "@recurrent/tensor";
import { check, fmt } from "../errors.js";
import {
  alignMask,
  applyMask,
  checkReduction,
  maskTotal,
  type Reduction,
  reduce,
} from "./reduction.js";

export interface RegressionLossOptions {
  /** 1 where a position counts, 0 where not; shaped like the prediction or its leading axes. */
  mask?: Tensor;
  /** "mean" (default), "sum", or "none" (shape of the prediction). */
  reduction?: Reduction;
}

function regressionLoss(
  where: string,
  pointwise: (d: Tensor) => Tensor,
  prediction: Tensor,
  target: Tensor,
  options: RegressionLossOptions,
): Tensor {
  check(prediction.dtype !== "int32", "DTYPE", () => {
    return `${where}: prediction must be float32 or float64, got ${prediction.dtype}`;
  });
  check(target.dtype === prediction.dtype, "DTYPE", () => {
    return `${where}: target must be ${prediction.dtype} like the prediction, got ${target.dtype}`;
  });
  check(
    target.rank === prediction.rank && target.shape.every((d, i) => d === prediction.shape[i]),
    "SHAPE",
    () => {
      return `${where}: target must be ${fmt(prediction.shape)} like the prediction, got ${fmt(target.shape)}`;
    },
  );
  const reduction = options.reduction ?? "mean";
  checkReduction(where, reduction);
  const losses = pointwise(sub(prediction, target));
  if (options.mask === undefined) return reduce(losses, reduction, prediction.size);
  const { mask, perEntry } = alignMask(
    where,
    options.mask,
    prediction.shape,
    prediction.dtype as "float32" | "float64",
  );
  return reduce(applyMask(losses, mask), reduction, maskTotal(mask) * perEntry);
}

/**
 * Mean squared error: mean of (prediction − target)².
 * @example mseLoss(forecast, series, { mask }); // [B, T, 1] with mask [B, T]
 */
export function mseLoss(
  prediction: Tensor,
  target: Tensor,
  options: RegressionLossOptions = {},
): Tensor {
  return regressionLoss("mseLoss", square, prediction, target, options);
}

/**
 * Mean absolute error (L1): mean of |prediction − target|.
 * @example l1Loss(forecast, series);
 */
export function l1Loss(
  prediction: Tensor,
  target: Tensor,
  options: RegressionLossOptions = {},
): Tensor {
  return regressionLoss("l1Loss", abs, prediction, target, options);
}
