/**
 * The adding problem (Hochreiter & Schmidhuber 1997; Le et al. 2015): each
 * step carries a value drawn from U(0, 1) and a marker; exactly two steps are
 * marked, one in each half of the sequence, and the target is the sum of the
 * two marked values. Always answering 1 gives a mean squared error of 1/6
 * (the variance of a sum of two U(0, 1)); beating it needs a memory that
 * spans the sequence.
 */
import { z } from "@recurrent/registry";
import { tensor } from "@recurrent/tensor";
import { type BatchStream, createBatchStream } from "../batch-stream.js";
import { parseOptions } from "../options.js";
import { generatorFor } from "../seed.js";
import { type TaskBatch, type TaskStreamOptions, taskStreamSchema } from "./task-batch.js";

/**
 * The adding problem's options, declared once: `addingTaskBatches` and the
 * `adding-task` entry parse it.
 */
export const addingTaskSchema = z.object({
  length: z.number().int().min(2).default(100).describe("steps per sequence"),
});

export type AddingTaskOptions = z.input<typeof addingTaskSchema>;

const addingTaskStreamSchema = addingTaskSchema.extend(taskStreamSchema.shape);

/** Mean squared error of always predicting 1. */
export const addingTaskBaselineLoss = 1 / 6;

/**
 * Endless batches of the adding problem: inputs float32 [time, batch, 2]
 * (value, marker), targets float32 [batch, 1].
 *
 * @example
 * const { inputs, targets } = addingTaskBatches({ length: 50, batchSize: 16 }).nextBatch();
 * inputs.shape;  // [50, 16, 2]
 * targets.shape; // [16, 1]
 */
export function addingTaskBatches(
  options: AddingTaskOptions & TaskStreamOptions,
): BatchStream<TaskBatch> {
  const where = "addingTaskBatches";
  const {
    length: steps,
    batchSize,
    batchesPerEpoch,
    seed,
    batchFirst,
  } = parseOptions(where, addingTaskStreamSchema, options);
  const half = Math.floor(steps / 2);
  return createBatchStream({
    name: where,
    statePolicy: "reset",
    batchesInEpoch: () => batchesPerEpoch,
    build(epoch, index) {
      const random = generatorFor(seed, epoch, index);
      const inputs = new Float32Array(steps * batchSize * 2);
      const targets = new Float32Array(batchSize);
      const at = (t: number, b: number) => 2 * (batchFirst ? b * steps + t : t * batchSize + b);
      for (let b = 0; b < batchSize; b++) {
        for (let t = 0; t < steps; t++) inputs[at(t, b)] = random.nextFloat();
        const first = random.nextInt(half);
        const second = half + random.nextInt(steps - half);
        inputs[at(first, b) + 1] = 1;
        inputs[at(second, b) + 1] = 1;
        targets[b] = (inputs[at(first, b)] as number) + (inputs[at(second, b)] as number);
      }
      return {
        epoch,
        index,
        resetState: true,
        inputs: tensor(inputs, {
          shape: batchFirst ? [batchSize, steps, 2] : [steps, batchSize, 2],
        }),
        targets: tensor(targets, { shape: [batchSize, 1] }),
      };
    },
  });
}
