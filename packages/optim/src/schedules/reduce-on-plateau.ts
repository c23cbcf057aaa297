/**
 * Reduce the learning rate when a watched metric stops improving: PyTorch
 * 1.13's ReduceLROnPlateau, decision for decision (threshold modes,
 * patience, cooldown, min_lr, and the eps below which a reduction is
 * skipped). The one schedule that needs the metric at each step.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../schema-options.js";
import { missingMetric, restoreNumbers, type Schedule, type ScheduleState } from "./schedule.js";

/**
 * Options of `reduceLrOnPlateau`, declared once: the registry entry
 * `reduce-on-plateau` parses the same schema. PyTorch's `threshold_mode`
 * and `min_lr` are `thresholdMode` and `minLr`; with "rel" better means
 * beyond best·(1 ∓ threshold), with "abs" beyond best ∓ threshold.
 */
export const reduceLrOnPlateauSchema = z.object({
  mode: z
    .enum(["min", "max"])
    .default("min")
    .describe("reduce when the metric stops decreasing (min) or increasing (max)"),
  factor: z.number().min(0).lt(1).default(0.1).describe("new lr = lr · factor"),
  patience: z.number().int().min(0).default(10).describe("epochs without improvement to tolerate"),
  threshold: z.number().min(0).default(1e-4).describe("how much better counts as better"),
  thresholdMode: z
    .enum(["rel", "abs"])
    .default("rel")
    .describe("threshold relative to the best, or absolute"),
  cooldown: z.number().int().min(0).default(0).describe("epochs to wait after a reduction"),
  minLr: z.number().min(0).default(0).describe("lower bound on the learning rate"),
  eps: z.number().min(0).default(1e-8).describe("reductions smaller than this are skipped"),
});

/** Options of `reduceLrOnPlateau`, as a user writes them. */
export type ReduceLrOnPlateauOptions = z.input<typeof reduceLrOnPlateauSchema>;
/** Options of `reduceLrOnPlateau` with every default filled in. */
export type ReduceLrOnPlateauHyper = z.output<typeof reduceLrOnPlateauSchema>;

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
  const o = parseOptions(name, reduceLrOnPlateauSchema, options);
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
