/**
 * Cross-entropy over logits, as PyTorch's `F.cross_entropy`, classes on the
 * LAST axis (PyTorch puts them on axis 1; ours is the natural layout of
 * [batch, time, classes] sequence outputs). Targets are either int32 class
 * indices (shape of the logits without the class axis) or class
 * probabilities (float, the shape of the logits: "soft" targets).
 *
 * With log-probabilities ℓᵢ = logSoftmax(zᵢ), per-class weights w (1 when
 * left out), smoothing ε over C classes and position weights mᵢ (the mask;
 * 0 where the index target is ignoreIndex):
 *
 *     index target yᵢ:   lossᵢ = mᵢ·[ −(1−ε)·w[yᵢ]·ℓᵢ[yᵢ] − (ε/C)·Σ_c w[c]·ℓᵢ[c] ]
 *                        "mean" = Σ lossᵢ / Σ mᵢ·w[yᵢ]
 *     probabilities qᵢ:  lossᵢ = −mᵢ·Σ_c w[c]·((1−ε)·qᵢ[c] + ε/C)·ℓᵢ[c]
 *                        "mean" = Σ lossᵢ / Σ mᵢ
 *
 * which are PyTorch's formulas (weights and smoothing together included).
 * It goes through logSoftmax, one stable kernel, so large logits neither
 * overflow nor lose precision.
 *
 * Gradient (through the recorded ops): ∂lossᵢ/∂zᵢ = mᵢ·(Σ_c pᵢ[c]·w̃[c] ·softmax(zᵢ) − w̃) with
 * w̃ the weighted smoothed target, divided by the mean's denominator; when
 * that is 0 (every target ignored) the loss is NaN and the gradient zeros,
 * as in PyTorch (see `reduce`).
 */

import { z } from "@recurrent/registry";
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
import { parseOptions } from "../options.js";
import { maskTotal, reduce, reduction } from "./reduction.js";

/**
 * Options of `crossEntropy` a config can hold, declared once: the registry
 * entry `cross-entropy` parses this schema, and `crossEntropy` parses all
 * of it but `weight`, which from code may also be a tensor or a typed array
 * (checked against the number of classes below). "none" gives one loss per position.
 */
export const crossEntropySchema = z.object({
  ignoreIndex: z.number().int().default(-100).describe("targets equal to this are skipped"),
  labelSmoothing: z.number().min(0).max(1).default(0).describe("ε: target = (1−ε)·onehot + ε/C"),
  weight: z
    .array(z.number().min(0))
    .optional()
    .describe("a weight per class (PyTorch's weight), one number per class of the vocabulary"),
  reduction,
});

const scalarOptions = crossEntropySchema.omit({ weight: true });

export interface CrossEntropyOptions extends Omit<z.input<typeof crossEntropySchema>, "weight"> {
  /** Same shape as the targets' positions: 1 where the position counts, 0 where it does not (padding). */
  mask?: Tensor;
  /** A weight per class, [classes] (PyTorch's `weight`); all 1 when left out. */
  weight?: Tensor | readonly number[] | Float32Array | Float64Array | undefined;
}

/**
 * @example
 * const loss = crossEntropy(logits, targets, { ignoreIndex: 0 }); // [B, T, V], int32 [B, T]
 * const soft = crossEntropy(logits, probabilities);                 // [B, T, V], float [B, T, V]
 * const weighted = crossEntropy(logits, targets, { weight: [1, 5] }); // rare class 1 counts 5×
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
  const soft = targets.dtype !== "int32";
  const expected = soft ? logits.shape : lead;
  check(
    targets.rank === expected.length && targets.shape.every((d, i) => d === expected[i]),
    "SHAPE",
    () => {
      return soft
        ? `${where}: float targets are class probabilities and must be ${fmt(logits.shape)} like the logits (or int32 class indices ${fmt(lead)}), got ${fmt(targets.shape)}`
        : `${where}: targets must be ${fmt(lead)} for logits ${fmt(logits.shape)}, got ${fmt(targets.shape)}`;
    },
  );
  const { mask, weight, ...rest } = options;
  const {
    ignoreIndex,
    labelSmoothing: epsilon,
    reduction,
  } = parseOptions(where, scalarOptions, rest);
  const dtype = logits.dtype as "float32" | "float64";
  const classWeights = classWeightsOf(where, weight, classes);

  const n = lead.reduce((a, b) => a * b, 1);
  if (mask !== undefined) {
    check(mask.rank === lead.length && mask.shape.every((d, i) => d === lead[i]), "SHAPE", () => {
      return `${where}: mask must be ${fmt(lead)} like the targets' positions, got ${fmt(mask.shape)}`;
    });
  }
  // A copy: data() is a live view of wasm memory, which the allocations below may grow (and detach).
  const maskValues = mask === undefined ? undefined : Float64Array.from(mask.data());
  const positionWeight = (i: number) => (maskValues === undefined ? 1 : (maskValues[i] as number));
  const logp = reshape(logSoftmax(logits, -1), [n, classes]);
  const w =
    classWeights === null
      ? null
      : tensor(Float64Array.from(classWeights), { shape: [classes], dtype });

  if (soft) {
    // −Σ_c w[c]·q̃[c]·ℓ[c] with q̃ = (1−ε)·q + ε/C, times the position's weight.
    const q = reshape(targets, [n, classes]);
    const smoothed = epsilon > 0 ? add(mul(q, 1 - epsilon), epsilon / classes) : q;
    const weighted = w === null ? smoothed : mul(smoothed, w);
    const m = new Float64Array(n);
    for (let i = 0; i < n; i++) m[i] = positionWeight(i);
    const mt = tensor(m, { shape: [n], dtype });
    const losses = mul(neg(sum(mul(weighted, logp), -1)), mt);
    if (reduction === "none") return reshape(losses, lead);
    return reduce(losses, reduction, maskTotal(mt));
  }

  // Constants (no gradient): flat indices of each target's log-probability, the
  // weight of its pick (m·w[y], 0 where ignored) and of its smoothing term (m).
  const ids = targets.data();
  const picks = new Int32Array(n);
  const pickWeights = new Float64Array(n);
  const smoothWeights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = ids[i] as number;
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= classes) {
      check(false, "ARGUMENT", () => {
        return `${where}: target ${y} at flat position ${i} is out of range for ${classes} classes (expected 0..${classes - 1}, or ignoreIndex ${ignoreIndex})`;
      });
    }
    picks[i] = i * classes + y;
    const m = positionWeight(i);
    smoothWeights[i] = m;
    pickWeights[i] = m * (classWeights === null ? 1 : (classWeights[y] as number));
  }
  const pickWeight = tensor(pickWeights, { shape: [n], dtype });
  const picked = gather(reshape(logp, [n * classes]), tensor(picks, { shape: [n] }), 0);
  let losses = mul(neg(picked), pickWeight); // −m·w[y]·ℓ[y]
  if (epsilon > 0) {
    const perClass = w === null ? logp : mul(logp, w);
    const smooth = mul(neg(sum(perClass, -1)), tensor(smoothWeights, { shape: [n], dtype })); // −m·Σ_c w[c]·ℓ[c]
    losses = add(mul(losses, 1 - epsilon), mul(smooth, epsilon / classes));
  }
  if (reduction === "none") return reshape(losses, lead);
  return reduce(losses, reduction, maskTotal(pickWeight));
}

/** The per-class weights as numbers, checked: [classes], finite, >= 0; null when left out. */
function classWeightsOf(
  where: string,
  weight: CrossEntropyOptions["weight"],
  classes: number,
): ArrayLike<number> | null {
  if (weight === undefined) return null;
  const isTensor = typeof (weight as Tensor).data === "function";
  const values = isTensor ? (weight as Tensor).data() : (weight as ArrayLike<number>);
  const shape = isTensor ? (weight as Tensor).shape : [values.length];
  check(shape.length === 1 && shape[0] === classes, "SHAPE", () => {
    return `${where}: weight must hold one weight per class, [${classes}], got ${fmt(shape)}`;
  });
  for (let c = 0; c < classes; c++) {
    const v = values[c] as number;
    check(Number.isFinite(v) && v >= 0, "ARGUMENT", () => {
      return `${where}: weight[${c}] must be a finite number >= 0, got ${v}`;
    });
  }
  return values;
}
