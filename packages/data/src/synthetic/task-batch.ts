/**
 * The batch the long-range tasks (copy, adding) hand out, and the options
 * they share. Each batch is drawn from its own generator seeded by
 * (seed, epoch, index), so the stream is endless yet resumable.
 */
import { z } from "@recurrent/registry";
import type { Tensor } from "@recurrent/tensor";
import type { BatchInfo } from "../batch-stream.js";
import { seedOption } from "../seed.js";

export interface TaskBatch extends BatchInfo {
  readonly inputs: Tensor;
  readonly targets: Tensor;
}

/** How a task is batched; each task's schema extends this one with its own options. */
export const taskStreamSchema = z.object({
  batchSize: z.number().int().min(1).describe("examples per batch"),
  batchesPerEpoch: z
    .number()
    .int()
    .min(1)
    .default(100)
    .describe("how many batches make an epoch (the data is endless)"),
  seed: seedOption,
  batchFirst: z.boolean().default(false).describe("[batch, time, …] instead of [time, batch, …]"),
});

export type TaskStreamOptions = z.input<typeof taskStreamSchema>;
