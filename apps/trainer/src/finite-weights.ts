/**
 * Weights loaded from a checkpoint must be numbers: a NaN or an infinity
 * (from a run that diverged between checks, or a file edited by hand) would
 * otherwise evaluate to "validation NaN" and generate garbage with exit
 * code 0. The check names the parameter and the first bad position.
 */
import type { Tensor } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";

/** Throw a CHECKPOINT error naming the first tensor of `section` that holds NaN or ±Infinity. */
export function requireFinite(section: string, tensors: Readonly<Record<string, Tensor>>): void {
  for (const [name, t] of Object.entries(tensors)) {
    const values = t.data();
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (!Number.isFinite(v)) {
        const bad = Array.from(values).filter((x) => !Number.isFinite(x)).length;
        throw new TrainerError(
          "CHECKPOINT",
          `the checkpoint's ${section} parameter "${name}" holds ${v} at flat index ${i} (${bad} of ${values.length} values are not finite); it cannot be used: resume from an earlier checkpoint with a lower optimizer.lr or train.clip`,
        );
      }
    }
  }
}
