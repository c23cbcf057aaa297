/**
 * Softmax and log-softmax along an axis, each one kernel that subtracts the
 * maximum first, so large logits neither overflow nor lose precision.
 */
import { kernel } from "../backend.js";
import { recordOp } from "../record.js";
import { normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { assertFloat, assertLive, empty } from "./util.js";

/** exp(x) / Σ exp(x) along `axis` (the last by default). */
export function softmax(x: Tensor, axis = -1): Tensor {
  assertLive("softmax", x);
  assertFloat("softmax", x);
  const a = normalizeAxis("softmax", axis, x.rank);
  const out = empty(x.shape, x.dtype);
  kernel("softmax")(x, a, false, out.storage);
  return recordOp("Softmax", [x], { axis: a }, out);
}

/** x − log Σ exp(x) along `axis` (the last by default). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertLive("logSoftmax", x);
  assertFloat("logSoftmax", x);
  const a = normalizeAxis("logSoftmax", axis, x.rank);
  const out = empty(x.shape, x.dtype);
  kernel("softmax")(x, a, true, out.storage);
  return recordOp("LogSoftmax", [x], { axis: a }, out);
}
