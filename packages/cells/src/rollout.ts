/**
 * One fast rollout for a whole `SequenceModel`: what generation (`recurrent
 * generate`, samples during training) and k-step forecasting call, one step
 * at a time. It wraps a `Stepper` (the one-step path derived from the
 * cell's step, any cell) with the model's input encoding (one-hot ids,
 * embedding rows or features) and its head, so every step is one pass over
 * buffers made once. `createRollout` returns null where the stepper cannot
 * serve (a bidirectional model, a cell without a derived path); callers then
 * fall back to `model.forward`.
 */
import type { CellState } from "./cell.js";
import { planFor } from "./compile/plan.js";
import type { SequenceModel } from "./sequence-model.js";
import { Stepper } from "./stepper.js";

export interface Rollout {
  readonly batch: number;
  /** Width of each row of the output (the head's output size). */
  readonly outputSize: number;
  /** One step from token ids (one per row); returns [batch · outputSize], valid until the next step. */
  stepTokens(ids: ArrayLike<number>): Float32Array;
  /** One step from feature rows [batch · size]; returns as `stepTokens`. */
  stepFeatures(values: ArrayLike<number>): Float32Array;
  /** Set the carried state (each part [layers, batch, …]), or zero it with no argument. */
  setState(state?: CellState): void;
  getState(): CellState;
  dispose(): void;
}

/** Why `createRollout` would return null for this model, or null when it serves. */
export function rolloutUnavailable(model: SequenceModel): string | null {
  const recurrent = model.recurrent;
  if (recurrent.directions !== 1) return "a bidirectional model needs the whole sequence";
  let input = recurrent.inputSize;
  for (let l = 0; l < recurrent.numLayers; l++) {
    const result = planFor(recurrent.cell.definition, { ...recurrent.cell.config, input });
    if (!("plan" in result)) return result.reason;
    input = result.plan.lowered.outputWidth;
  }
  return null;
}

export function createRollout(model: SequenceModel, batch = 1): Rollout | null {
  if (rolloutUnavailable(model) !== null) return null;
  const stepper = new Stepper(model.recurrent, { batch, head: model.head });
  const embedding = model.embedding;
  const size = model.recurrent.inputSize;
  const rows = new Float32Array(batch * size);
  // The embedding table, copied once (a rollout runs between weight updates; data() is a live
  // view of wasm memory, which allocations between steps may grow and detach).
  const table = embedding === null ? null : Float32Array.from(embedding.weight.data());
  return {
    batch,
    outputSize: model.outputSize,
    stepTokens(ids) {
      if (table === null) return stepper.stepTokens(ids);
      for (let b = 0; b < batch; b++) {
        const id = ids[b] as number;
        for (let j = 0; j < size; j++) rows[b * size + j] = table[id * size + j] as number;
      }
      return stepper.step(rows);
    },
    stepFeatures: (values) => stepper.step(values),
    setState(state) {
      if (state === undefined) stepper.reset();
      else stepper.setState(state);
    },
    getState: () => stepper.getState(),
    dispose: () => stepper.dispose(),
  };
}
