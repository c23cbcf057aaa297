/**
 * Checks made before any training, so a run that cannot finish fails at
 * once with the reason, not after minutes of work (or with an internal
 * error from deep inside WebAssembly):
 *
 * - memory: the model's parameters, gradients, optimizer moments and one
 *   batch's activations must fit in the tensor memory (WebAssembly: 4 GiB,
 *   2 GiB when shared with worker threads) and in the machine's memory;
 * - disk: one checkpoint must fit in the free space where it is written
 *   (a warning when the checkpoints kept plus the one being written do not);
 * - data: the validation split must hold enough for one evaluation.
 *
 * Sizes are counted from the cell's declared parameter shapes, without
 * allocating anything.
 */
import { statfsSync } from "node:fs";
import { totalmem } from "node:os";
import { dirname } from "node:path";
import type { Registry } from "@recurrent/registry";
import { tidy } from "@recurrent/tensor";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import { formatMegabytes } from "./files.js";
import { inputOf } from "./model.js";
import type { Session } from "./session.js";
import type { Task } from "./task.js";

const gib = 2 ** 30;
/** WebAssembly linear memory: 65,536 pages of 64 KiB; a shared one (threads) is made with 32,768. */
const wasmBytes = { private: 4 * gib, shared: 2 * gib };

export function formatGigabytes(bytes: number): string {
  const gb = bytes / 1e9;
  return `${gb < 10 ? gb.toFixed(1) : Math.round(gb).toLocaleString("en-US")} GB`;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Parameters a config's model will have, from the cell's declared shapes (nothing allocated). */
export function plannedParameters(config: TrainerConfig, registry: Registry, task: Task): number {
  const cell = registry.createEntry("cell", config.model.cell);
  const input = inputOf(config, task, registry);
  const outputSize = task.kind === "forecast" ? 1 : task.vocab;
  let total = 0;
  let features = input.kind === "one-hot" ? input.vocab : input.size;
  if (input.kind === "embedding") total += input.vocab * input.size;
  const definition = cell.definition;
  for (let layer = 0; layer < config.model.layers; layer++) {
    const context = { ...cell.config, input: features };
    for (const spec of Object.values(definition.params(context))) {
      total += count(Array.isArray(spec) ? spec : (spec as { shape: number[] }).shape);
    }
    features = definition.outputSize(context);
  }
  return total + features * outputSize + outputSize;
}

/**
 * Bytes of tensor memory a training step needs, roughly: parameters,
 * gradients and two optimizer moments (4 copies), and the activations of
 * one batch (the cell's state and outputs at every step, the logits).
 */
export function plannedMemory(config: TrainerConfig, registry: Registry, task: Task): number {
  const parameters = plannedParameters(config, registry, task);
  const { batchSize, bptt } = config.train;
  const hidden = Number(config.model.cell.hidden ?? 0) || 0;
  const outputs = task.kind === "forecast" ? 1 : task.vocab;
  const activations = batchSize * bptt * (8 * hidden * config.model.layers + 3 * outputs);
  return 4 * (4 * parameters + activations);
}

/** Refuse a model whose training cannot fit in memory: `… needs N GB`. */
export function checkMemory(config: TrainerConfig, registry: Registry, task: Task): void {
  const needed = plannedMemory(config, registry, task);
  const threads = config.train.threads === "auto" || config.train.threads > 1;
  const wasm = threads ? wasmBytes.shared : wasmBytes.private;
  const machine = totalmem();
  const limit = Math.min(wasm, machine);
  if (needed <= limit) return;
  const parameters = plannedParameters(config, registry, task);
  const which =
    limit === machine
      ? `this machine's ${formatGigabytes(machine)} of memory`
      : `the ${formatGigabytes(wasm)} of tensor memory WebAssembly allows${threads ? " with threads (train.threads 1 allows 4.3 GB)" : ""}`;
  throw new TrainerError(
    "TOO_LARGE",
    `model.cell: ${config.model.cell.name} with ${parameters.toLocaleString("en-US")} parameters needs ${formatGigabytes(needed)} to train (weights, gradients, optimizer state, one batch), more than ${which}; lower model.cell.hidden, model.layers or the batch`,
  );
}

/** Bytes of one checkpoint of this session: every tensor it saves, plus the JSON sections. */
export function checkpointBytes(session: Session): number {
  const values = tidy(() => {
    let total = 0;
    for (const t of Object.values(session.model.stateDict())) total += t.size;
    for (const t of Object.values(session.optimizer.stateDict().tensors)) total += t.size;
    return total;
  });
  return 4 * values + 64 * 1024;
}

/** Free bytes on the filesystem that holds `path` (or would hold it: its nearest existing parent). */
function freeBytes(path: string): number | null {
  let at = path;
  for (;;) {
    try {
      const stats = statfsSync(at);
      return stats.bavail * stats.bsize;
    } catch {
      const parent = dirname(at);
      if (parent === at) return null;
      at = parent;
    }
  }
}

/**
 * Refuse a run whose first checkpoint cannot fit on the disk; warn when the
 * checkpoints kept plus the one being written may not. Returns the warning.
 */
export function checkDisk(session: Session, runPath: string): string | null {
  const bytes = checkpointBytes(session);
  const free = freeBytes(runPath);
  if (free === null) return null;
  if (bytes > free) {
    throw new TrainerError(
      "DISK_FULL",
      `a checkpoint of this model needs ${formatMegabytes(bytes)}, but only ${formatMegabytes(free)} is free where ${runPath} is; free some space or choose another --out`,
    );
  }
  const keep = session.config.train.keepCheckpoints;
  const peak = (keep + 1) * bytes;
  if (peak > free) {
    return `warning: keeping ${keep} checkpoint(s) of ${formatMegabytes(bytes)} while writing the next needs ${formatMegabytes(peak)}; only ${formatMegabytes(free)} is free (a full disk stops the run, and the last checkpoint is kept)`;
  }
  return null;
}
