/**
 * `train.threads`: worker threads for the large matrix products and the
 * recurrences (`@recurrent/tensor/threads`), where training spends its time.
 * Process-wide, and started before any tensor of the session exists; results
 * are bit-identical to one thread, so a run may resume with another count.
 */
import { availableParallelism } from "node:os";
import { enableThreads } from "@recurrent/tensor/threads";

/** Start the threads a config asks for; returns how many there are in all. */
export function startThreads(setting: number | "auto"): number {
  const threads = setting === "auto" ? availableParallelism() : setting;
  if (threads > 1) enableThreads({ threads });
  return threads;
}
