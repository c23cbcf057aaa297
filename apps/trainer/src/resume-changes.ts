/**
 * What `resume` may change. The flags and `--config` given to resume edit
 * the config the run recorded; every edit must either take effect or be
 * refused, never be recorded and then ignored. Three kinds of fields:
 *
 * - read afresh every step (the budget, evaluation and checkpoint cadence,
 *   clipping, threads, `eval.*`, the name): they simply take effect;
 * - `optimizer.lr`: the optimizer's saved state carries the old rate, so it
 *   is set again after the checkpoint is loaded (refused with a schedule,
 *   which owns the rate);
 * - the data: refused unless `--allow-data-change` (the tokenizer and the
 *   stream position belong to the old data);
 * - everything else (the model, the batches, the seed, the optimizer's
 *   other settings, the schedule, the loss) is held in the checkpoint's
 *   state, so a change is refused with the field, both values and the way
 *   out (a new run).
 */
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";

export interface ResumeChange {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

const freePrefixes = [
  "name",
  "train.steps",
  "train.minutes",
  "train.evalEvery",
  "train.checkpointEvery",
  "train.keepCheckpoints",
  "train.threads",
  "train.clip",
  "eval.",
];

/** Every leaf that differs between two JSON values, with dotted paths. */
export function configChanges(before: unknown, after: unknown, path = ""): ResumeChange[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) =>
      configChanges(before[key], after[key], path === "" ? key : `${path}.${key}`),
    );
  }
  return JSON.stringify(before) === JSON.stringify(after)
    ? []
    : [{ path, from: before, to: after }];
}

const show = (value: unknown) => (value === undefined ? "unset" : JSON.stringify(value));

/**
 * Check the changes from the recorded config to the one resume would run;
 * throws for a change that cannot take effect. Returns the new learning
 * rate to set after the checkpoint is loaded, if it changed.
 */
export function checkResumeChanges(
  recorded: TrainerConfig,
  next: TrainerConfig,
  options: { readonly allowDataChange: boolean },
): { readonly lr: number | null; readonly changes: readonly ResumeChange[] } {
  const changes = configChanges(recorded, next);
  const refused: string[] = [];
  let lr: number | null = null;
  for (const change of changes) {
    const { path } = change;
    const what = `${path} (${show(change.from)} → ${show(change.to)})`;
    if (freePrefixes.some((p) => path === p || (p.endsWith(".") && path.startsWith(p)))) continue;
    if (path === "optimizer.lr") {
      if (next.schedule !== null) {
        refused.push(
          `${what}: the schedule ${next.schedule.name} sets the rate from its saved state`,
        );
      } else lr = next.optimizer.lr as number;
      continue;
    }
    if (path.startsWith("data.")) {
      if (!options.allowDataChange) {
        refused.push(
          `${what}: the run's tokenizer or scaler and its place in the data belong to the old data; pass --allow-data-change to continue on other data anyway`,
        );
      }
      continue;
    }
    refused.push(`${what}: the checkpoint holds state made with the old value`);
  }
  if (refused.length > 0) {
    throw new TrainerError(
      "USAGE",
      `resume cannot apply ${refused.length === 1 ? "this change" : "these changes"}; start a new run with train for them:\n${refused.map((r) => `  ${r}`).join("\n")}`,
    );
  }
  return { lr, changes };
}
