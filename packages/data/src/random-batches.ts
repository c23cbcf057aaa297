/**
 * Random partitioning for truncated BPTT (d2l §8.3): from a random offset the
 * sequence is cut into non-overlapping chunks of `numSteps`, the chunks are
 * shuffled, and each batch takes `batchSize` of them. Neighbouring batches
 * are unrelated, so the hidden state starts fresh for every batch.
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
 * Batches of shuffled, non-overlapping chunks (`statePolicy: "reset"`).
 *
 * @example
 * const ids = Int32Array.from({ length: 100 }, (_, i) => i);
 * const stream = randomBatches(ids, { batchSize: 4, numSteps: 5, seed: 7 });
 * for (const batch of stream) batch.inputs.shape; // [5, 4], one epoch
 */
export function randomBatches(
  source: SequenceSource,
  options: PartitionOptions,
): BatchStream<ChunkBatch> {
  const where = "randomBatches";
  const { batchSize, numSteps, seed, batchFirst, maxOffset } = planPartition(
    where,
    source,
    options,
  );
  const layout = { numSteps, batchFirst };

  let cached: { epoch: number; starts: Int32Array } | undefined;
  const chunkStarts = (epoch: number): Int32Array => {
    if (cached?.epoch === epoch) return cached.starts;
    const random = generatorFor(seed, epoch);
    const offset = maxOffset === 0 ? 0 : random.nextInt(maxOffset + 1);
    const count = Math.floor((source.length - offset - 1) / numSteps);
    const starts = new Int32Array(count);
    for (let k = 0; k < count; k++) starts[k] = offset + k * numSteps;
    random.shuffleInPlace(starts);
    cached = { epoch, starts };
    return starts;
  };

  return createBatchStream({
    name: where,
    statePolicy: "reset",
    batchesInEpoch: (epoch) => Math.floor(chunkStarts(epoch).length / batchSize),
    build(epoch, index) {
      const starts = chunkStarts(epoch).slice(index * batchSize, (index + 1) * batchSize);
      return buildChunkBatch(source, starts, layout, { epoch, index, resetState: true });
    },
  });
}
