import { fc, test as prop } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { fitCharTokenizer } from "./fit-tokenizer.js";
import { sequenceBatches } from "./sequence-batches.js";

const names = ["ada", "alan", "grace", "edsger", "barbara", "ken", "dennis", "bjarne", "guido"];
const tokenizer = fitCharTokenizer(names);
const framed = names.map((name) => tokenizer.encode(name, { bos: true, eos: true }));

describe("sequenceBatches", () => {
  test("padded language-model batches framed with <bos> and <eos>", () => {
    const stream = sequenceBatches(framed, { batchSize: 4, shuffle: false });
    expect(stream.statePolicy).toBe("reset");
    expect(stream.batchesInEpoch(0)).toBe(3);
    const batch = stream.nextBatch();
    expect(Array.from(batch.indices)).toEqual([0, 1, 2, 3]);
    expect(batch.inputs.shape).toEqual([7, 4]); // "edsger" + <bos>
    expect(Array.from(batch.lengths)).toEqual([4, 5, 6, 7]);
    const inputs = batch.inputs.toArray() as number[][];
    const targets = batch.targets.toArray() as number[][];
    expect(inputs[0]).toEqual([2, 2, 2, 2]);
    expect(tokenizer.decode(targets.map((row) => row[0] as number))).toBe("ada");
    expect(targets[3]?.[0]).toBe(tokenizer.vocabulary.eosId);
    expect(batch.mask.toArray()).toEqual(
      inputs.map((_, t) => [0, 1, 2, 3].map((b) => (t < b + 4 ? 1 : 0))),
    );
  });

  test("bucketing puts similar lengths together and pads less", () => {
    const many = Array.from({ length: 64 }, (_, i) => new Int32Array(2 + ((i * 37) % 20)));
    const padding = (bucketSize: number) => {
      let total = 0;
      for (const b of sequenceBatches(many, { batchSize: 8, bucketSize, seed: 4 })) {
        total += b.inputs.size - b.lengths.reduce((a, l) => a + l, 0);
      }
      return total;
    };
    expect(padding(8)).toBeLessThan(padding(1) / 2);
  });

  test("too few sequences with dropLast, and unframed sequences, are errors", () => {
    expect(() =>
      sequenceBatches(framed, { batchSize: 10, dropLast: true }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: sequenceBatches: expected at least batchSize = 10 sequences with dropLast, got 9]`,
    );
    expect(() => sequenceBatches([[1, 2], [1]], { batchSize: 1 })).toThrow(
      "sequenceBatches: expected every sequence to have at least 2 tokens (an input and its target), got 1 in sequence 1; frame sequences with <bos> and <eos>",
    );
  });

  prop.prop([
    fc.array(fc.integer({ min: 2, max: 12 }), { minLength: 1, maxLength: 60 }),
    fc.integer({ min: 1, max: 7 }),
    fc.integer({ min: 1, max: 4 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 50 }),
    fc.integer({ min: 0, max: 3 }),
  ])(
    "each sequence appears once per epoch, whole",
    (lengths, batchSize, bucketSize, dropLast, seed, epoch) => {
      fc.pre(!dropLast || lengths.length >= batchSize);
      const sequences = lengths.map((n, i) =>
        Int32Array.from({ length: n }, (_, t) => i * 100 + t),
      );
      const stream = sequenceBatches(sequences, { batchSize, bucketSize, dropLast, seed }).seek({
        epoch,
        batch: 0,
      });
      const seen: number[] = [];
      for (const batch of stream) {
        const inputs = batch.inputs.data();
        const width = batch.indices.length;
        batch.indices.forEach((i, b) => {
          seen.push(i);
          expect(batch.lengths[b]).toBe((lengths[i] as number) - 1);
          for (let t = 0; t < (batch.lengths[b] as number); t++)
            expect(inputs[t * width + b]).toBe(i * 100 + t);
        });
      }
      const expected = dropLast
        ? Math.floor(lengths.length / batchSize) * batchSize
        : lengths.length;
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(expected);
    },
  );
});
