import { describe, expect, test } from "vitest";
import { type BatchInfo, createBatchStream } from "./batch-stream.js";

/** A stream whose epoch e has e + 2 batches, each just its own position. */
function counting() {
  return createBatchStream<BatchInfo>({
    name: "counting",
    statePolicy: "reset",
    batchesInEpoch: (epoch) => epoch + 2,
    build: (epoch, index) => ({ epoch, index, resetState: true }),
  });
}
const where = (b: BatchInfo) => `${b.epoch}.${b.index}`;

describe("createBatchStream", () => {
  test("iterating runs one epoch and leaves the stream at the next", () => {
    const stream = counting();
    expect([...stream].map(where)).toEqual(["0.0", "0.1"]);
    expect(stream.position).toEqual({ epoch: 1, batch: 0 });
    expect([...stream].map(where)).toEqual(["1.0", "1.1", "1.2"]);
  });

  test("after a break, position names the first batch not handed out", () => {
    const stream = counting().seek({ epoch: 1, batch: 0 });
    for (const batch of stream) if (batch.index === 1) break;
    expect(stream.position).toEqual({ epoch: 1, batch: 2 });
  });

  test("a stream resumed from a saved position continues identically", () => {
    const first = counting();
    first.nextBatch();
    first.nextBatch();
    first.nextBatch();
    const saved = JSON.parse(JSON.stringify(first.position));
    const resumed = counting().seek(saved);
    expect(Array.from({ length: 5 }, () => where(resumed.nextBatch()))).toEqual(
      Array.from({ length: 5 }, () => where(first.nextBatch())),
    );
  });

  test("seek to an epoch's end means the next epoch's start", () => {
    expect(counting().seek({ epoch: 0, batch: 2 }).position).toEqual({ epoch: 1, batch: 0 });
  });

  test("batchAt does not move the stream", () => {
    const stream = counting();
    expect(where(stream.batchAt({ epoch: 3, batch: 4 }))).toBe("3.4");
    expect(stream.position).toEqual({ epoch: 0, batch: 0 });
  });

  test("bad positions are errors", () => {
    expect(() => counting().seek({ epoch: 0, batch: 3 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: counting.seek: epoch 0 has 2 batches, got batch 3]`,
    );
    expect(() => counting().seek({ epoch: -1, batch: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: counting.seek: epoch must be an integer >= 0, got -1]`,
    );
    expect(() => counting().batchAt({ epoch: 0, batch: 2 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: counting.batchAt: epoch 0 has 2 batches, so batch 2 is past its end]`,
    );
  });
});
