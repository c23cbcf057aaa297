/**
 * Validation and test metrics of the long-range tasks, on fixed held-out
 * examples (see long-range-task.ts):
 *
 * - copy: `loss` (cross-entropy per step, nats, what training minimises),
 *   `accuracy` on the recalled symbols (the steps whose target is not the
 *   blank: argmax of the logits equals the symbol), with `baseline` (the
 *   memoryless cross-entropy) and `chance` (1/symbols) beside them;
 * - adding: `loss` = `mse` of the answer at the last step, `baseline` 1/6.
 */
import type { SequenceModel } from "@recurrent/cells";
import { crossEntropy, mseLoss } from "@recurrent/nn";
import { tidy } from "@recurrent/tensor";
import { inference, type Metrics } from "./evaluate.js";
import { disposeBatch, type LongRangeTask, longRangeEvalExamples } from "./long-range-task.js";

const evalBatch = 128;

export function evaluateLongRange(
  model: SequenceModel,
  task: LongRangeTask,
  split: "validation" | "test",
): Metrics {
  const stream = task.heldOut(split, evalBatch);
  const batches = Math.ceil(longRangeEvalExamples / evalBatch);
  let lossSum = 0;
  let counted = 0;
  let recalled = 0;
  let correct = 0;
  inference(model, () => {
    for (let i = 0; i < batches; i++) {
      const batch = stream.batchAt({ epoch: 0, batch: i });
      tidy(() => {
        const { output } = model.forward(batch.inputs);
        if (task.inputs === "values") {
          const options = batch.lossMask === undefined ? {} : { mask: batch.lossMask };
          lossSum += mseLoss(output, batch.targets, options).item() * batch.count;
          counted += batch.count;
          return;
        }
        lossSum += crossEntropy(output, batch.targets, { reduction: "sum" }).item();
        counted += batch.targets.size;
        const logits = output.data();
        const targets = batch.targets.data();
        const classes = task.outputSize;
        for (let n = 0; n < targets.length; n++) {
          const target = targets[n] as number;
          if (target === 0) continue; // the blank: not a recalled symbol
          recalled += 1;
          let best = 0;
          for (let c = 1; c < classes; c++) {
            if ((logits[n * classes + c] as number) > (logits[n * classes + best] as number)) {
              best = c;
            }
          }
          if (best === target) correct += 1;
        }
      });
      disposeBatch(batch);
    }
  });
  const loss = lossSum / counted;
  if (task.inputs === "values") {
    return { loss, mse: loss, baseline: task.baselineLoss, examples: counted };
  }
  return {
    loss,
    accuracy: correct / recalled,
    baseline: task.baselineLoss,
    chance: task.chanceAccuracy ?? 0,
    examples: counted / task.steps,
  };
}

/** The one-line summary of a long-range evaluation. */
export function formatLongRange(task: LongRangeTask, metrics: Metrics): string {
  const g = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(4));
  if (task.inputs === "values") {
    return `mse ${g(metrics.mse)} (baseline ${g(metrics.baseline)}: always answer 1)`;
  }
  return `accuracy ${(100 * (metrics.accuracy ?? 0)).toFixed(1)}% on the recalled symbols (chance ${(100 * (metrics.chance ?? 0)).toFixed(1)}%) · ${g(metrics.loss)} nats/step (baseline ${g(metrics.baseline)})`;
}

/** The columns `compare` shows for a long-range task ("tokens": copy, "values": adding). */
export function longRangeColumns(inputs: string): [string, string][] {
  return inputs === "values"
    ? [
        ["mse", "mse"],
        ["baseline", "baseline mse"],
      ]
    : [
        ["accuracy", "recall accuracy"],
        ["loss", "nats/step"],
        ["baseline", "baseline nats"],
      ];
}
