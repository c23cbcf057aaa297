/**
 * Validation and test metrics, computed without gradients and in eval mode
 * (no dropout), from a state of their own: evaluating never changes what
 * training does next, so an evaluated run and a resumed run stay equal.
 *
 * - Tokens: cross-entropy in nats per token, bits per token (per character
 *   for a character model) and perplexity, summed over every target and
 *   divided once.
 * - Series: one-step-ahead MSE and MAE in the series' own units (the
 *   scaler inverted), the scaled MSE the model was trained on, and k-step-
 *   ahead errors: from many starting points, warm up on the true past, then
 *   feed the model its own predictions for k steps (d2l §8.1, where
 *   multi-step prediction degrades). The naive (x_{t−1}) and, when a season
 *   is given, seasonal-naive (x_{t−P}) baselines come with them.
 */
import { noGrad } from "@recurrent/autograd";
import { type CellState, createRollout, type SequenceModel } from "@recurrent/cells";
import { sequenceBatches, sequentialBatches } from "@recurrent/data";
import { crossEntropy } from "@recurrent/nn";
import { slice, tensor, tidy } from "@recurrent/tensor";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import { evaluateLongRange, formatLongRange } from "./long-range-eval.js";
import type { SeriesTask, SplitName, Task, TokenTask } from "./task.js";

export type Metrics = Record<string, number>;

/** Run `fn` in eval mode without a tape, then restore training mode. */
export function inference<T>(model: SequenceModel, fn: () => T): T {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(fn);
  } finally {
    if (wasTraining) model.train();
  }
}

function disposeState(state: CellState | undefined): void {
  if (state === undefined) return;
  for (const t of Object.values(state)) t.dispose();
}

/**
 * Whether `split` holds enough to evaluate on (one target at least); a
 * TrainerError naming the split if not. Called before training, so a split
 * too small is found before the work, not after it.
 */
export function checkSplit(task: Task, split: Exclude<SplitName, "train">): void {
  if (task.kind === "long-range") return; // held-out examples are drawn, never short
  const size =
    task.kind === "forecast"
      ? task.splits[split].length
      : task.sequences !== null
        ? task.sequences[split].length * 2
        : (task.ids as Record<SplitName, Int32Array>)[split].length;
  if (size < 2) throw emptySplit(split);
}

export function evaluate(
  model: SequenceModel,
  task: Task,
  config: TrainerConfig,
  split: Exclude<SplitName, "train"> = "validation",
): Metrics {
  if (task.kind === "long-range") return evaluateLongRange(model, task, split);
  checkSplit(task, split);
  return task.kind === "forecast"
    ? evaluateSeries(model, task, config, split)
    : evaluateTokens(model, task, config, split);
}

function tokenMetrics(nats: number, count: number): Metrics {
  const loss = nats / count;
  return { loss, bits: loss / Math.LN2, perplexity: Math.exp(loss), tokens: count };
}

function evaluateTokens(
  model: SequenceModel,
  task: TokenTask,
  config: TrainerConfig,
  split: Exclude<SplitName, "train">,
): Metrics {
  const limit = config.eval.maxTokens ?? Number.POSITIVE_INFINITY;
  if (task.sequences !== null) {
    const sequences = task.sequences[split];
    const stream = sequenceBatches(sequences, { batchSize: 256, shuffle: false });
    let nats = 0;
    let count = 0;
    inference(model, () => {
      for (const batch of stream) {
        nats += tidy(() => {
          const { output } = model.forward(batch.inputs, { mask: batch.mask });
          return crossEntropy(output, batch.targets, { mask: batch.mask, reduction: "sum" }).item();
        });
        for (const length of batch.lengths) count += length;
        for (const t of [batch.inputs, batch.targets, batch.mask]) t.dispose();
        if (count >= limit) break;
      }
    });
    return tokenMetrics(nats, count);
  }
  const ids = (task.ids as Record<SplitName, Int32Array>)[split];
  const numSteps = Math.min(config.train.bptt, ids.length - 1);
  const batchSize = Math.max(
    1,
    Math.min(config.train.batchSize, Math.floor((ids.length - 1) / numSteps)),
  );
  const stream = sequentialBatches(ids, { batchSize, numSteps, randomOffset: false });
  let nats = 0;
  let count = 0;
  let state: CellState | undefined;
  inference(model, () => {
    for (const batch of stream) {
      const result = tidy(() => {
        const { output, state: next } = model.forward(batch.inputs, state ? { state } : {});
        const sum = crossEntropy(output, batch.targets, { reduction: "sum" }).item();
        return { sum, next };
      });
      disposeState(state);
      state = result.next;
      nats += result.sum;
      count += batch.targets.size;
      batch.inputs.dispose();
      batch.targets.dispose();
      if (count >= limit) break;
    }
  });
  disposeState(state);
  return tokenMetrics(nats, count);
}

function emptySplit(split: string): TrainerError {
  return new TrainerError(
    "DATA",
    `data: the ${split} split is too small to evaluate on (it needs 2 items at least); give data.split.${split} a larger share`,
  );
}

/** Values of the series before `split`, scaled: the past the model warms up on. */
function pastOf(task: SeriesTask, split: Exclude<SplitName, "train">): Float64Array {
  if (split === "validation") return task.splits.train;
  const { train, validation } = task.splits;
  const past = new Float64Array(train.length + validation.length);
  past.set(train);
  past.set(validation, train.length);
  return past;
}

/** Model predictions of the next value after every input in `values` (scaled), teacher-forced. */
export function predictNext(model: SequenceModel, values: ArrayLike<number>): Float32Array {
  return inference(model, () =>
    tidy(() => {
      const x = tensor(Float32Array.from(values), { shape: [values.length, 1, 1] });
      return model.forward(x).output.toTypedArray() as Float32Array;
    }),
  );
}

/**
 * Warm up on `contexts` (scaled, each [warm] values, all the same length),
 * then feed predictions back for `horizon` steps: [horizon][starts].
 */
export function rollOut(
  model: SequenceModel,
  contexts: readonly ArrayLike<number>[],
  horizon: number,
): Float32Array[] {
  const count = contexts.length;
  const warm = (contexts[0] as ArrayLike<number>).length;
  const flat = new Float32Array(warm * count);
  contexts.forEach((context, n) => {
    for (let t = 0; t < warm; t++) flat[t * count + n] = context[t] as number;
  });
  const steps: Float32Array[] = [];
  const rollout = createRollout(model, count);
  if (rollout !== null) {
    // The one-step path derived from the cell: warm up, then feed each forecast back.
    inference(model, () => {
      const row = new Float32Array(count);
      let last: Float32Array = new Float32Array(0);
      for (let t = 0; t < warm; t++) {
        for (let n = 0; n < count; n++) row[n] = flat[t * count + n] as number;
        last = rollout.stepFeatures(row);
      }
      for (let k = 0; k < horizon; k++) {
        const forecast = Float32Array.from(last);
        steps.push(forecast);
        if (k < horizon - 1) last = rollout.stepFeatures(forecast);
      }
    });
    rollout.dispose();
    return steps;
  }
  inference(model, () => {
    let state: CellState | undefined;
    let input = tensor(flat, { shape: [warm, count, 1] });
    for (let k = 0; k < horizon; k++) {
      const result = tidy(() => {
        const { output, state: next } = model.forward(input, state ? { state } : {});
        const last = slice(output, [(output.shape[0] as number) - 1], [output.shape[0] as number]);
        return { last: last.toTypedArray() as Float32Array, next };
      });
      input.dispose();
      disposeState(state);
      state = result.next;
      steps.push(result.last);
      input = tensor(result.last, { shape: [1, count, 1] });
    }
    input.dispose();
    disposeState(state);
  });
  return steps;
}

function evaluateSeries(
  model: SequenceModel,
  task: SeriesTask,
  config: TrainerConfig,
  split: Exclude<SplitName, "train">,
): Metrics {
  const target = task.splits[split];
  const past = pastOf(task, split);
  const warm = Math.min(past.length, 4 * config.train.bptt); // the true past each forecast warms up on
  const full = new Float64Array(warm + target.length);
  full.set(past.subarray(past.length - warm));
  full.set(target, warm);

  // One step ahead, teacher-forced over the whole split.
  const predicted = predictNext(model, full.subarray(0, full.length - 1));
  const from = warm - 1; // predicted[i] is the forecast of full[i + 1]
  const forecasts = task.toOriginal(predicted.subarray(from));
  const truth = task.toOriginal(target);
  const scaledPredictions = predicted.subarray(from);
  let se = 0;
  let ae = 0;
  let scaledSe = 0;
  for (let i = 0; i < target.length; i++) {
    const error = (forecasts[i] as number) - (truth[i] as number);
    se += error * error;
    ae += Math.abs(error);
    scaledSe += ((scaledPredictions[i] as number) - (target[i] as number)) ** 2;
  }
  const n = target.length;
  const metrics: Metrics = { loss: scaledSe / n, mse: se / n, mae: ae / n, values: n };

  // Baselines on the same targets, in the original units.
  const original = task.toOriginal(full);
  const baseline = (lag: number): number | undefined => {
    let sum = 0;
    let count = 0;
    for (let i = warm; i < full.length; i++) {
      if (i - lag < 0) continue;
      sum += Math.abs((original[i] as number) - (original[i - lag] as number));
      count++;
    }
    return count === 0 ? undefined : sum / count;
  };
  const naive = baseline(1);
  if (naive !== undefined) metrics.naive_mae = naive;
  if (config.eval.seasonalPeriod !== null) {
    const seasonal = baseline(config.eval.seasonalPeriod);
    if (seasonal !== undefined) metrics.seasonal_naive_mae = seasonal;
  }

  // k steps ahead from up to 128 starting points spread over the split.
  const horizons = config.eval.horizons.filter((k) => k <= target.length);
  const maxK = Math.max(0, ...horizons);
  if (maxK > 0) {
    const span = target.length - maxK + 1;
    const count = Math.min(128, span);
    const starts = Array.from({ length: count }, (_, i) =>
      count === 1 ? 0 : Math.round((i * (span - 1)) / (count - 1)),
    );
    const contexts = starts.map((s) => full.subarray(s, s + warm));
    const steps = rollOut(model, contexts, maxK);
    for (const k of horizons) {
      const predictions = task.toOriginal(steps[k - 1] as Float32Array);
      let kse = 0;
      let kae = 0;
      starts.forEach((s, i) => {
        const error = (predictions[i] as number) - (truth[s + k - 1] as number);
        kse += error * error;
        kae += Math.abs(error);
      });
      metrics[`mse@${k}`] = kse / starts.length;
      metrics[`mae@${k}`] = kae / starts.length;
    }
  }
  return metrics;
}

/** The one-line summary of an evaluation. */
export function formatMetrics(task: Task, metrics: Metrics): string {
  const g = (v: number | undefined, digits = 4) =>
    v === undefined
      ? "–"
      : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
        ? v.toExponential(2)
        : v.toFixed(digits);
  if (task.kind === "long-range") return formatLongRange(task, metrics);
  if (task.kind === "language-model") {
    const unit = task.unit === "char" ? "char" : task.unit;
    return `${g(metrics.loss)} nats/${unit} · ${g(metrics.bits, 3)} bits/${unit} · perplexity ${g(metrics.perplexity, 2)}`;
  }
  const parts = [`mse ${g(metrics.mse)}`, `mae ${g(metrics.mae)}`];
  const ks = Object.keys(metrics)
    .filter((k) => k.startsWith("mse@"))
    .map((k) => `@${k.slice(4)} ${g(metrics[k])}`);
  if (ks.length > 0) parts.push(`k-step mse ${ks.join(" ")}`);
  if (metrics.naive_mae !== undefined) parts.push(`naive mae ${g(metrics.naive_mae)}`);
  if (metrics.seasonal_naive_mae !== undefined) {
    parts.push(`seasonal-naive mae ${g(metrics.seasonal_naive_mae)}`);
  }
  return parts.join(" · ");
}
