import { fc, test as prop } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { randomBatches } from "./random-batches.js";

const iota = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe("randomBatches", () => {
  test("batches are shuffled chunks, reset every batch", () => {
    const stream = randomBatches(iota(101), {
      batchSize: 2,
      numSteps: 10,
      randomOffset: false,
      seed: 3,
    });
    expect(stream.statePolicy).toBe("reset");
    expect(stream.batchesInEpoch(0)).toBe(5);
    const starts = [...stream].flatMap((b) => {
      expect(b.resetState).toBe(true);
      return Array.from(b.starts);
    });
    expect([...starts].sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(starts).not.toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  test("the same seed gives the same batches; another seed, others", () => {
    const starts = (seed: number) =>
      Array.from(randomBatches(iota(500), { batchSize: 4, numSteps: 7, seed }).nextBatch().starts);
    expect(starts(5)).toEqual(starts(5));
    expect(starts(5)).not.toEqual(starts(6));
  });

  test("resuming from a position replays the same batches", () => {
    const a = randomBatches(iota(500), { batchSize: 4, numSteps: 7, seed: 9 });
    for (let i = 0; i < 20; i++) a.nextBatch();
    const b = randomBatches(iota(500), { batchSize: 4, numSteps: 7, seed: 9 }).seek(a.position);
    expect(b.nextBatch().inputs.toArray()).toEqual(a.nextBatch().inputs.toArray());
  });

  test("too short a sequence is an error", () => {
    expect(() => randomBatches(iota(10), { batchSize: 2, numSteps: 5 })).toThrow(
      "randomBatches: expected at least batchSize × numSteps + 1 = 2 × 5 + 1 = 11 items, got 10; lower batchSize or numSteps",
    );
  });

  prop.prop([
    fc.record({
      length: fc.integer({ min: 2, max: 300 }),
      batchSize: fc.integer({ min: 1, max: 6 }),
      numSteps: fc.integer({ min: 1, max: 12 }),
      seed: fc.integer({ min: 0, max: 1000 }),
      epoch: fc.integer({ min: 0, max: 5 }),
    }),
  ])(
    "an epoch's chunks never overlap and leave only a short remainder",
    ({ length, batchSize, numSteps, seed, epoch }) => {
      fc.pre(length >= batchSize * numSteps + 1);
      const stream = randomBatches(iota(length), { batchSize, numSteps, seed }).seek({
        epoch,
        batch: 0,
      });
      const seen = new Uint8Array(length);
      for (const batch of stream) {
        const inputs = batch.inputs.data();
        const targets = batch.targets.data();
        for (let i = 0; i < inputs.length; i++) {
          const value = inputs[i] as number;
          expect(targets[i]).toBe(value + 1);
          seen[value] = (seen[value] as number) + 1;
        }
      }
      expect(seen.every((c) => c <= 1)).toBe(true);
      const covered = seen.reduce((a, c) => a + c, 0);
      // at most numSteps-1 offset, fewer than batchSize leftover chunks, and a partial chunk at the end
      expect(length - covered).toBeLessThan(numSteps - 1 + batchSize * numSteps + numSteps + 1);
    },
  );
});
