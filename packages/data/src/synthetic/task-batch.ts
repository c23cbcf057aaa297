/**
 * The batch the long-range tasks (copy, adding) hand out, and the options
 * they share. Each batch is drawn from its own generator seeded by
 * (seed, epoch, index), so the stream is endless yet resumable.
 */
import type { Tensor } from "@recurrent/tensor";
import type { BatchInfo } from "../batch-stream.js";
import { checkInteger } from "../errors.js";

export interface TaskBatch extends BatchInfo {
  readonly inputs: Tensor;
  readonly targets: Tensor;
}

export interface TaskStreamOptions {
  batchSize: number;
  /** How many batches make an epoch (the data is endless). Default 100. */
  batchesPerEpoch?: number;
  /** Default 0. */
  seed?: number;
  /** [batch, time, …] instead of [time, batch, …]. Default false. */
  batchFirst?: boolean;
}

export function checkTaskStream(where: string, options: TaskStreamOptions): number {
  checkInteger(where, "batchSize", options.batchSize, 1);
  const batchesPerEpoch = options.batchesPerEpoch ?? 100;
  checkInteger(where, "batchesPerEpoch", batchesPerEpoch, 1);
  return batchesPerEpoch;
}
