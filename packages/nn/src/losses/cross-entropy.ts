/**
 * Cross-entropy over logits, as PyTorch's `F.cross_entropy` with class
 * indices, classes on the LAST axis (PyTorch puts them on axis 1; ours is
 * the natural layout of [batch, time, classes] sequence outputs).
 *
 * Per position i with target yᵢ, log-probabilities ℓ = logSoftmax(zᵢ) and
 * smoothing ε over C classes:
 *
 *     lossᵢ = −(1−ε)·ℓ[yᵢ] − (ε/C)·Σ_c ℓ[c]
 *
 * and "mean" is Σ wᵢ·lossᵢ / Σ wᵢ, with wᵢ = 0 where yᵢ = ignoreIndex and the
 * mask's value elsewhere (1 without a mask). It goes through logSoftmax, one
 * stable kernel, so large logits neither overflow nor lose precision.
 *
 * Gradient (through the recorded ops): ∂lossᵢ/∂zᵢ = softmax(zᵢ) − qᵢ with the
 * smoothed target qᵢ = (1−ε)·onehot(yᵢ) + ε/C, times wᵢ / Σ w for "mean".
 */
import {
  add,
  gather,
  logSoftmax,
  mul,
  neg,
  reshape,
  sum,
  type Tensor,
  tensor,
} from "@recurrent/tensor";
import { check, fmt } from "../errors.js";
import { checkReduction, maskTotal, type Reduction, reduce } from "./reduction.js";

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (PyTorch's default −100). */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target distribution is (1−ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
  /** Same shape as targets: 1 where the position counts, 0 where it does not (padding). */
  mask?: Tensor;
  /** "mean" (default) over the positions that count, "sum", or "none" (shape of targets). */
  reduction?: Reduction;
}

/**
 * @example
 * const loss = crossEntropy(logits, targets, { ignoreIndex: 0 }); // [B, T, V], int32 [B, T]
 */
export function crossEntropy(
  logits: Tensor,
  targets: Tensor,
  options: CrossEntropyOptions = {},
): Tensor {
  const where = "crossEntropy";
  check(logits.dtype !== "int32" && logits.rank >= 1, "SHAPE", () => {
    return `${where}: logits must be a float tensor [..., classes], got ${logits.dtype} ${fmt(logits.shape)}`;
  });
  const classes = logits.shape[logits.rank - 1] as number;
  const lead = logits.shape.slice(0, -1);
  check(targets.dtype === "int32", "DTYPE", () => {
    return `${where}: targets must be int32 class indices, got ${targets.dtype}`;
  });
  check(
    targets.rank === lead.length && targets.shape.every((d, i) => d === lead[i]),
    "SHAPE",
    () => {
      return `${where}: targets must be ${fmt(lead)} for logits ${fmt(logits.shape)}, got ${fmt(targets.shape)}`;
    },
  );
  const ignoreIndex = options.ignoreIndex ?? -100;
  check(Number.isInteger(ignoreIndex), "ARGUMENT", () => {
    return `${where}: ignoreIndex must be an integer, got ${ignoreIndex}`;
  });
  const epsilon = options.labelSmoothing ?? 0;
  check(epsilon >= 0 && epsilon <= 1, "ARGUMENT", () => {
    return `${where}: labelSmoothing must be in [0, 1], got ${epsilon}`;
  });
  const reduction = options.reduction ?? "mean";
  checkReduction(where, reduction);
  const dtype = logits.dtype as "float32" | "float64";

  // Constants (no gradient): flat indices of each target's log-probability,
  // and each position's weight (0 where ignored).
  const n = targets.size;
  const ids = targets.data();
  const mask = options.mask;
  if (mask !== undefined) {
    check(
      mask.rank === targets.rank && mask.shape.every((d, i) => d === targets.shape[i]),
      "SHAPE",
      () => {
        return `${where}: mask must be ${fmt(targets.shape)} like the targets, got ${fmt(mask.shape)}`;
      },
    );
  }
  const maskValues = mask?.data();
  const picks = new Int32Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = ids[i] as number;
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= classes) {
      check(false, "ARGUMENT", () => {
        return `${where}: target ${y} at flat position ${i} is out of range for ${classes} classes (expected 0..${classes - 1}, or ignoreIndex ${ignoreIndex})`;
      });
    }
    picks[i] = i * classes + y;
    weights[i] = maskValues === undefined ? 1 : (maskValues[i] as number);
  }
  const weight = tensor(weights, { shape: [n], dtype });

  const logp = reshape(logSoftmax(logits, -1), [n, classes]);
  const picked = gather(reshape(logp, [n * classes]), tensor(picks, { shape: [n] }), 0);
  let losses = neg(picked); // −ℓ[y]
  if (epsilon > 0) {
    const smooth = neg(sum(logp, -1)); // −Σ_c ℓ[c]
    losses = add(mul(losses, 1 - epsilon), mul(smooth, epsilon / classes));
  }
  const weighted = mul(losses, weight);
  if (reduction === "none") return reshape(weighted, targets.shape);
  return reduce(weighted, reduction, maskTotal(weight));
}
