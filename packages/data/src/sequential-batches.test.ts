import { fc, test as prop } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import type { ChunkBatch } from "./chunk-batch.js";
import { sequentialBatches } from "./sequential-batches.js";

const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const rows = (t: ChunkBatch["inputs"]) => t.toArray() as number[][];

describe("sequentialBatches", () => {
  test("cuts the sequence into batchSize rows read numSteps at a time (d2l)", () => {
    const stream = sequentialBatches(iota(25), { batchSize: 2, numSteps: 3, randomOffset: false });
    expect(stream.statePolicy).toBe("carry");
    expect(stream.batchesInEpoch(0)).toBe(4); // rows of 12, 4 chunks of 3
    const first = stream.nextBatch();
    expect(first.inputs.dtype).toBe("int32");
    expect(first.inputs.shape).toEqual([3, 2]);
    expect(rows(first.inputs)).toEqual([
      [0, 12],
      [1, 13],
      [2, 14],
    ]);
    expect(rows(first.targets)).toEqual([
      [1, 13],
      [2, 14],
      [3, 15],
    ]);
    expect(first.resetState).toBe(true);
    const second = stream.nextBatch();
    expect(rows(second.inputs)[0]).toEqual([3, 15]);
    expect(second.resetState).toBe(false);
  });

  test("batchFirst gives [batch, time]", () => {
    const batch = sequentialBatches(iota(25), {
      batchSize: 2,
      numSteps: 3,
      randomOffset: false,
      batchFirst: true,
    }).nextBatch();
    expect(rows(batch.inputs)).toEqual([
      [0, 1, 2],
      [12, 13, 14],
    ]);
  });

  test("a float series becomes float32 [time, batch, 1]", () => {
    const values = Float64Array.from({ length: 9 }, (_, i) => i / 2);
    const batch = sequentialBatches(values, {
      batchSize: 2,
      numSteps: 2,
      randomOffset: false,
    }).nextBatch();
    expect(batch.inputs.dtype).toBe("float32");
    expect(batch.inputs.shape).toEqual([2, 2, 1]);
    expect(batch.inputs.toArray()).toEqual([
      [[0], [2]],
      [[0.5], [2.5]],
    ]);
  });

  test("the random offset changes between epochs and is the same under the same seed", () => {
    const offsets = (seed: number) => {
      const stream = sequentialBatches(iota(1000), { batchSize: 4, numSteps: 10, seed });
      return Array.from({ length: 8 }, (_, e) => stream.batchAt({ epoch: e, batch: 0 }).starts[0]);
    };
    expect(offsets(1)).toEqual(offsets(1));
    expect(new Set(offsets(1)).size).toBeGreaterThan(1);
    expect(offsets(1).every((o) => o !== undefined && o >= 0 && o < 10)).toBe(true);
  });

  test("too short a sequence says what it needed", () => {
    expect(() =>
      sequentialBatches(iota(20), { batchSize: 4, numSteps: 5 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: sequentialBatches: expected at least batchSize × numSteps + 1 = 4 × 5 + 1 = 21 items, got 20; lower batchSize or numSteps]`,
    );
    expect(() =>
      sequentialBatches(iota(0), { batchSize: 1, numSteps: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: sequentialBatches: expected a non-empty sequence, got 0 items]`,
    );
    expect(() =>
      sequentialBatches(iota(9), { batchSize: 0, numSteps: 1 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: sequentialBatches: batchSize must be an integer >= 1, got 0]`,
    );
  });

  const shapes = fc.record({
    length: fc.integer({ min: 2, max: 300 }),
    batchSize: fc.integer({ min: 1, max: 6 }),
    numSteps: fc.integer({ min: 1, max: 12 }),
    seed: fc.integer({ min: 0, max: 1000 }),
    epoch: fc.integer({ min: 0, max: 5 }),
  });

  prop.prop([shapes])(
    "an epoch covers the data without overlap, rows contiguous across batches",
    ({ length, batchSize, numSteps, seed, epoch }) => {
      fc.pre(length >= batchSize * numSteps + 1);
      const source = iota(length);
      const stream = sequentialBatches(source, { batchSize, numSteps, seed });
      stream.seek({ epoch, batch: 0 });
      const seen = new Uint8Array(length);
      let previous: ChunkBatch | undefined;
      for (const batch of stream) {
        const inputs = batch.inputs.data();
        const targets = batch.targets.data();
        for (let b = 0; b < batchSize; b++) {
          for (let t = 0; t < numSteps; t++) {
            const value = inputs[t * batchSize + b] as number;
            expect(targets[t * batchSize + b]).toBe(value + 1); // targets are inputs shifted by one
            if (t > 0) expect(value).toBe((inputs[(t - 1) * batchSize + b] as number) + 1);
            seen[value] = (seen[value] as number) + 1;
          }
          if (previous !== undefined) {
            // row b of this batch starts right after row b of the previous one ends
            const last = previous.inputs.data()[(numSteps - 1) * batchSize + b] as number;
            expect(inputs[b]).toBe(last + 1);
          }
        }
        previous = batch;
      }
      expect(seen.every((count) => count <= 1)).toBe(true);
      const covered = seen.reduce((a, c) => a + c, 0);
      const offset = stream.batchAt({ epoch, batch: 0 }).starts[0] as number;
      // everything after the offset is covered except a tail shorter than batchSize·(numSteps+1)
      expect(seen.subarray(0, offset).every((c) => c === 0)).toBe(true);
      expect(length - offset - covered).toBeLessThan(batchSize * (numSteps + 1));
      expect(stream.position).toEqual({ epoch: epoch + 1, batch: 0 });
    },
  );
});
