/**
 * ‖∂L/∂h_t‖ for every time step and layer of a trained (or fresh) model, on
 * one batch of held-out data, with L the loss at the LAST step only: the
 * gradient reaching step t has passed through T−1−t Jacobians of the
 * recurrence, which is the note's vanishing/exploding argument made
 * visible. (Independent sequences have ragged ends, so there L is the loss
 * over all steps.) Measured through @recurrent/cells' `gradientFlow`
 * (autograd hooks on each step's state); the gradients it leaves on the
 * parameters are cleared afterwards.
 *
 * A series' input values are marked as needing a gradient: a cell whose
 * state is built from the inputs alone (the `ar` cell's window of the last
 * τ values) has no parameter upstream of its state, so without this the
 * backward pass would skip the state and every ‖∂L/∂state_t‖ would read 0.
 * The gradient is real either way: ∂L/∂window_t, zero only where the
 * window no longer reaches the loss (more than τ steps back).
 */
import { requireGrad } from "@recurrent/autograd";
import { gradientFlow, normsOverTime, type SequenceModel } from "@recurrent/cells";
import { sequenceBatches, sequentialBatches } from "@recurrent/data";
import type { LossFn } from "@recurrent/nn";
import { slice, type Tensor, tidy } from "@recurrent/tensor";
import type { GradFlowData } from "./report.js";
import type { Task } from "./task.js";

export interface GradFlowOptions {
  /** Time steps of the measured sequence. */
  readonly length: number;
  /** Rows of the batch. */
  readonly batch: number;
  readonly split?: "validation" | "test" | "train";
}

export interface GradFlowResult extends GradFlowData {
  readonly part: string;
  readonly loss: number;
  /** What L is: "last step" or "all steps". */
  readonly lossAt: string;
}

interface Probe {
  readonly inputs: Tensor;
  readonly targets: Tensor;
  readonly mask: Tensor | null;
}

function probeBatch(task: Task, options: GradFlowOptions): Probe {
  const split = options.split ?? "validation";
  if (task.kind === "language-model" && task.sequences !== null) {
    const batch = sequenceBatches(task.sequences[split], {
      batchSize: Math.min(options.batch, task.sequences[split].length),
      shuffle: false,
    }).batchAt({ epoch: 0, batch: 0 });
    return { inputs: batch.inputs, targets: batch.targets, mask: batch.mask };
  }
  if (task.kind === "long-range") {
    const batch = task.heldOut(split === "test" ? "test" : "validation", options.batch).batchAt({
      epoch: 0,
      batch: 0,
    });
    batch.lossMask?.dispose();
    return { inputs: batch.inputs, targets: batch.targets, mask: null }; // L: the last step
  }
  const source =
    task.kind === "forecast"
      ? task.splits[split]
      : ((task.ids as Record<string, Int32Array>)[split] as Int32Array);
  const length = Math.max(1, Math.min(options.length, source.length - 1));
  const batchSize = Math.max(1, Math.min(options.batch, Math.floor((source.length - 1) / length)));
  const batch = sequentialBatches(source, {
    batchSize,
    numSteps: length,
    randomOffset: false,
  }).batchAt({ epoch: 0, batch: 0 });
  return { inputs: batch.inputs, targets: batch.targets, mask: null };
}

/** Measure ‖∂L/∂h_t‖ (or the cell's first state part) for every step and layer. */
export function measureGradFlow(
  model: SequenceModel,
  task: Task,
  loss: LossFn,
  options: GradFlowOptions,
  title?: string,
): GradFlowResult {
  const probe = probeBatch(task, options);
  if (task.kind === "forecast") requireGrad(probe.inputs);
  const lastOnly = probe.mask === null;
  const wasTraining = model.training;
  model.eval(); // no dropout: the measurement is of the model, not of a random mask
  try {
    const report = tidy(() =>
      gradientFlow(
        model,
        probe.inputs,
        ({ output }) => {
          if (!lastOnly) return loss(output, probe.targets, { mask: probe.mask as Tensor });
          const t = output.shape[0] as number;
          return loss(slice(output, [t - 1], [t]), slice(probe.targets, [t - 1], [t]));
        },
        probe.mask === null ? {} : { mask: probe.mask },
      ),
    );
    const rows: string[] = [];
    const norms: number[][] = [];
    const { numLayers, directions } = model.recurrent;
    for (let layer = 0; layer < numLayers; layer++) {
      for (let direction = 0; direction < directions; direction++) {
        rows.push(`layer ${layer}${directions === 2 ? (direction === 1 ? " ←" : " →") : ""}`);
        norms.push(normsOverTime(report.points, layer, direction));
      }
    }
    return {
      rows,
      norms,
      part: report.part,
      loss: report.loss,
      lossAt: lastOnly ? "last step" : "all steps",
      ...(title === undefined ? {} : { title }),
    };
  } finally {
    for (const p of model.parameters()) {
      p.grad?.dispose();
      p.grad = null;
    }
    for (const t of [probe.inputs, probe.targets, probe.mask]) t?.dispose();
    if (wasTraining) model.train();
  }
}

const blocks = "▁▂▃▄▅▆▇█";

/**
 * A sparkline of values on a log scale shared across rows (`low`/`high` are
 * log10 bounds), squeezed to `width` characters by averaging log values.
 * Zeros (steps the gradient never reached) print as a space; NaN as "!".
 */
export function sparkline(
  values: readonly number[],
  low: number,
  high: number,
  width = 32,
): string {
  const buckets = Math.min(width, values.length);
  let out = "";
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.floor(((b + 1) * values.length) / buckets);
    const slice = values.slice(from, Math.max(to, from + 1));
    if (slice.some((v) => Number.isNaN(v) || v === Number.POSITIVE_INFINITY)) {
      out += "!";
      continue;
    }
    const logs = slice.filter((v) => v > 0).map(Math.log10);
    if (logs.length === 0) {
      out += " ";
      continue;
    }
    const mean = logs.reduce((a, c) => a + c, 0) / logs.length;
    const level = high > low ? (mean - low) / (high - low) : 1;
    out +=
      blocks[Math.max(0, Math.min(blocks.length - 1, Math.round(level * (blocks.length - 1))))];
  }
  return out;
}

/** log10 bounds of every positive finite value. */
export function logBounds(rows: readonly (readonly number[])[]): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    for (const v of row) {
      if (v > 0 && Number.isFinite(v)) {
        low = Math.min(low, Math.log10(v));
        high = Math.max(high, Math.log10(v));
      }
    }
  }
  return Number.isFinite(low) ? [low, high] : [0, 0];
}

export function formatNorm(v: number | undefined): string {
  if (v === undefined) return "–";
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return "inf";
  if (v === 0) return "0";
  return v.toExponential(1);
}
