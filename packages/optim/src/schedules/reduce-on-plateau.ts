/**
 * Reduce the learning rate when a watched metric stops improving: PyTorch
 * 1.13's ReduceLROnPlateau, decision for decision (threshold modes,
 * patience, cooldown, min_lr, and the eps below which a reduction is
 * skipped). The one schedule that needs the metric at each step.
 */
import { integerAtLeast, nonNegative, oneOf, resolveOptions, unitOpen } from "../options.js";
import { missingMetric, restoreNumbers, type Schedule, type ScheduleState } from "./schedule.js";

export interface ReduceLrOnPlateauOptions {
  /** "min": reduce when the metric stops decreasing; "max": when it stops increasing. Default "min". */
  mode?: "min" | "max";
  /** new lr = lr · factor, in [0, 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement to tolerate before reducing. Default 10. */
  patience?: number;
  /** How much better counts as better. Default 1e-4. */
  threshold?: number;
  /** "rel": better than best·(1 ∓ threshold); "abs": better than best ∓ threshold (`threshold_mode`). Default "rel". */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** The learning rate never goes below this (`min_lr`). Default 0. */
  minLr?: number;
  /** A reduction smaller than eps is skipped. Default 1e-8. */
  eps?: number;
}

export type ReduceLrOnPlateauHyper = Required<ReduceLrOnPlateauOptions>;

export interface PlateauState extends ScheduleState {
  /** The best metric seen (±Infinity before the first). */
  readonly best: number;
  /** Epochs since the last improvement (`num_bad_epochs`). */
  readonly numBadEpochs: number;
  /** Epochs of cooldown left (`cooldown_counter`). */
  readonly cooldownCounter: number;
}

const keys: readonly (keyof PlateauState)[] = [
  "epoch",
  "baseLr",
  "lr",
  "best",
  "numBadEpochs",
  "cooldownCounter",
];

/**
 * Per step, with metric x:
 *
 *   better = x < best·(1 − threshold)   (min, rel)     x < best − threshold   (min, abs)
 *            x > best·(1 + threshold)   (max, rel)     x > best + threshold   (max, abs)
 *   if better: best ← x, bad ← 0   else bad ← bad + 1
 *   if cooldown left: cooldown ← cooldown − 1, bad ← 0
 *   if bad > patience: lr ← max(lr·factor, minLr) unless that changes lr by ≤ eps;
 *                      cooldown ← cooldown epochs, bad ← 0
 *
 * @example
 * const scheduler = new Scheduler(optimizer, reduceLrOnPlateau({ patience: 3, factor: 0.5 }));
 * scheduler.step(validationLoss);
 */
export function reduceLrOnPlateau(
  options: ReduceLrOnPlateauOptions = {},
): Schedule<PlateauState, ReduceLrOnPlateauHyper> {
  const name = "reduceLrOnPlateau";
  const o = resolveOptions<ReduceLrOnPlateauHyper>(
    name,
    {
      mode: { default: "min", check: oneOf(["min", "max"]) },
      factor: { default: 0.1, check: unitOpen },
      patience: { default: 10, check: integerAtLeast(0) },
      threshold: { default: 1e-4, check: nonNegative },
      thresholdMode: { default: "rel", check: oneOf(["rel", "abs"]) },
      cooldown: { default: 0, check: integerAtLeast(0) },
      minLr: { default: 0, check: nonNegative },
      eps: { default: 1e-8, check: nonNegative },
    },
    options,
  );
  const isBetter = (a: number, best: number): boolean => {
    if (o.mode === "min")
      return o.thresholdMode === "rel" ? a < best * (1 - o.threshold) : a < best - o.threshold;
    return o.thresholdMode === "rel" ? a > best * (o.threshold + 1) : a > best + o.threshold;
  };
  return {
    name,
    options: o,
    needsMetric: true,
    init: (baseLr) => ({
      epoch: 0,
      baseLr,
      lr: baseLr,
      best: o.mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY,
      numBadEpochs: 0,
      cooldownCounter: 0,
    }),
    step(state, metric) {
      if (typeof metric !== "number") throw missingMetric(name, metric);
      let { best, numBadEpochs, cooldownCounter, lr } = state;
      if (isBetter(metric, best)) {
        best = metric;
        numBadEpochs = 0;
      } else {
        numBadEpochs += 1;
      }
      if (cooldownCounter > 0) {
        cooldownCounter -= 1;
        numBadEpochs = 0;
      }
      if (numBadEpochs > o.patience) {
        const reduced = Math.max(lr * o.factor, o.minLr);
        if (lr - reduced > o.eps) lr = reduced;
        cooldownCounter = o.cooldown;
        numBadEpochs = 0;
      }
      return {
        epoch: state.epoch + 1,
        baseLr: state.baseLr,
        lr,
        best,
        numBadEpochs,
        cooldownCounter,
      };
    },
    restore: (saved, path, problems) => restoreNumbers(saved, path, problems, keys),
  };
}
