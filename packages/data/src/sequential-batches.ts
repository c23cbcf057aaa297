/**
 * Sequential partitioning for truncated BPTT (d2l §8.3): the sequence, from a
 * random offset, is cut into `batchSize` equal rows, and batch i is columns
 * i·numSteps … (i+1)·numSteps-1 of those rows. Row b of batch i+1 continues
 * row b of batch i exactly, so the hidden state carries across batches (the
 * trainer detaches it) and is reset only at the start of an epoch.
 */
import { type BatchStream, createBatchStream } from "./batch-stream.js";
import {
  buildChunkBatch,
  type ChunkBatch,
  type PartitionOptions,
  planPartition,
  type SequenceSource,
} from "./chunk-batch.js";
import { generatorFor } from "./seed.js";

/**
 * Contiguous batches whose rows carry on from one batch to the next
 * (`statePolicy: "carry"`).
 *
 * @example
 * const ids = Int32Array.from({ length: 25 }, (_, i) => i);
 * const stream = sequentialBatches(ids, { batchSize: 2, numSteps: 3, randomOffset: false });
 * stream.nextBatch().inputs.toArray(); // [[0, 12], [1, 13], [2, 14]]: [time, batch]
 * stream.nextBatch().inputs.toArray(); // [[3, 15], [4, 16], [5, 17]]: each row goes on
 */
export function sequentialBatches(
  source: SequenceSource,
  options: PartitionOptions,
): BatchStream<ChunkBatch> {
  const where = "sequentialBatches";
  const { batchSize, numSteps, seed, batchFirst, maxOffset } = planPartition(
    where,
    source,
    options,
  );
  const layout = { numSteps, batchFirst };

  const epochPlan = (epoch: number) => {
    const offset = maxOffset === 0 ? 0 : generatorFor(seed, epoch).nextInt(maxOffset + 1);
    const rowLength = Math.floor((source.length - offset - 1) / batchSize);
    return { offset, rowLength, batches: Math.floor(rowLength / numSteps) };
  };

  return createBatchStream({
    name: where,
    statePolicy: "carry",
    batchesInEpoch: (epoch) => epochPlan(epoch).batches,
    build(epoch, index) {
      const { offset, rowLength } = epochPlan(epoch);
      const starts = new Int32Array(batchSize);
      for (let b = 0; b < batchSize; b++) starts[b] = offset + b * rowLength + index * numSteps;
      return buildChunkBatch(source, starts, layout, { epoch, index, resetState: index === 0 });
    },
  });
}
