/**
 * Which datasets `recurrent train` can train on, decided in one place: by
 * the dataset's type. `train` refuses the others with the reason, and
 * `list` marks them with the same reason, so the two never disagree (a
 * type made trainable here is listed as trainable at once).
 */
import type { Dataset } from "@recurrent/data";
import type { Registry } from "@recurrent/registry";
import { TrainerError } from "./errors.js";

/** The dataset types the trainer has a task for (task.ts builds them). */
export const trainableDatasetTypes: ReadonlySet<string> = new Set([
  "text",
  "tokens",
  "sequences",
  "series",
  "task",
]);

/** Why a dataset type cannot be trained on, or null if it can. */
export function untrainableReason(type: string): string | null {
  if (trainableDatasetTypes.has(type)) return null;
  return `a dataset of type "${type}", which the trainer has no task for`;
}

/** Throw the trainer's refusal for a dataset it cannot train on. */
export function requireTrainable(dataset: Dataset): void {
  const reason = untrainableReason(dataset.type);
  if (reason !== null) {
    throw new TrainerError(
      "UNSUPPORTED",
      `data.dataset: "${dataset.name}" is ${reason}; the trainer trains on ${[...trainableDatasetTypes].join(", ")} datasets`,
    );
  }
}

/**
 * The dataset entries `train` would refuse, with the reason, found by
 * creating each entry with its defaults (entries that need options, such as
 * a file path, are data files: trainable by type).
 */
export async function untrainableDatasets(registry: Registry): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of registry.list("dataset")) {
    let dataset: Dataset;
    try {
      dataset = await registry.create("dataset", entry.name, {});
    } catch {
      continue;
    }
    const reason = untrainableReason(dataset.type);
    if (reason !== null) out.set(entry.name, reason);
  }
  return out;
}
