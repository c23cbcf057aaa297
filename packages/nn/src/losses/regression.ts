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
import { z } from "@recurrent/registry";
import { abs, square, sub, type Tensor } from "@recurrent/tensor";
import { check, fmt } from "../errors.js";
import { parseOptions } from "../options.js";
import { alignMask, applyMask, maskTotal, reduce, reduction } from "./reduction.js";

/**
 * Options of `mseLoss` and `l1Loss` a config can hold, declared once: the
 * registry entries `mse` and `l1` parse the same schema. "none" keeps the
 * shape of the prediction.
 */
export const regressionLossSchema = z.object({ reduction });

export interface RegressionLossOptions extends z.input<typeof regressionLossSchema> {
  /** 1 where a position counts, 0 where not; shaped like the prediction or its leading axes. */
  mask?: Tensor;
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
  const { mask: given, ...rest } = options;
  const { reduction } = parseOptions(where, regressionLossSchema, rest);
  const losses = pointwise(sub(prediction, target));
  if (given === undefined) return reduce(losses, reduction, prediction.size);
  const { mask, perEntry } = alignMask(
    where,
    given,
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
