import { describe, expect, test } from "vitest";
import { addingTaskBaselineLoss, addingTaskBatches } from "./adding-task.js";
import { copyTaskBatches, copyTaskInfo } from "./copy-task.js";

describe("copyTaskBatches", () => {
  test("the last `length` targets are the first `length` inputs; a delimiter says when", () => {
    const info = copyTaskInfo({ length: 3, delay: 5, symbols: 4 });
    expect(info).toMatchObject({ vocabularySize: 6, delimiterId: 5, steps: 11 });
    expect(info.baselineLoss).toBeCloseTo((3 * Math.log(4)) / 11, 15);
    const stream = copyTaskBatches({ length: 3, delay: 5, symbols: 4, batchSize: 16, seed: 2 });
    const { inputs, targets } = stream.nextBatch();
    expect(inputs.shape).toEqual([11, 16]);
    const x = inputs.toArray() as number[][];
    const y = targets.toArray() as number[][];
    for (let b = 0; b < 16; b++) {
      const column = (m: number[][]) => m.map((row) => row[b] as number);
      const [xs, ys] = [column(x), column(y)];
      expect(xs.slice(0, 3).every((s) => s >= 1 && s <= 4)).toBe(true);
      expect(xs.slice(3)).toEqual([0, 0, 0, 0, 5, 0, 0, 0]);
      expect(ys).toEqual([0, 0, 0, 0, 0, 0, 0, 0, ...xs.slice(0, 3)]);
    }
  });

  test("batches differ, and replay from their position", () => {
    const make = () =>
      copyTaskBatches({ length: 4, delay: 3, batchSize: 8, batchesPerEpoch: 5, seed: 1 });
    const stream = make();
    const a = stream.nextBatch().inputs.toArray();
    const b = stream.nextBatch().inputs.toArray();
    expect(a).not.toEqual(b);
    expect(make().batchAt({ epoch: 0, batch: 1 }).inputs.toArray()).toEqual(b);
    expect(stream.statePolicy).toBe("reset");
  });
});

describe("addingTaskBatches", () => {
  test("the target is the sum of the two marked values, one marked in each half", () => {
    const { inputs, targets } = addingTaskBatches({
      length: 10,
      batchSize: 32,
      seed: 4,
    }).nextBatch();
    expect(inputs.shape).toEqual([10, 32, 2]);
    expect(targets.shape).toEqual([32, 1]);
    const x = inputs.toArray() as number[][][];
    const y = targets.toArray() as number[][];
    for (let b = 0; b < 32; b++) {
      const marked = x
        .map((step) => step[b] as number[])
        .flatMap(([v, m], t) => (m === 1 ? [{ v, t }] : []));
      const [first, second] = marked as [{ v: number; t: number }, { v: number; t: number }];
      expect(marked.length).toBe(2);
      expect(first.t).toBeLessThan(5);
      expect(second.t).toBeGreaterThanOrEqual(5);
      expect(y[b]?.[0]).toBeCloseTo(first.v + second.v, 6);
    }
  });

  test("targets average 1 with variance 1/6, the baseline loss of answering 1", () => {
    const stream = addingTaskBatches({ length: 20, batchSize: 500, batchesPerEpoch: 8, seed: 9 });
    const ys = [...stream].flatMap((b) => Array.from(b.targets.data()));
    const mean = ys.reduce((a, v) => a + v, 0) / ys.length;
    const mse = ys.reduce((a, v) => a + (v - 1) ** 2, 0) / ys.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.03); // standard error ≈ 0.0065
    expect(Math.abs(mse - addingTaskBaselineLoss)).toBeLessThan(0.015);
  });

  test("batchFirst gives [batch, time, 2]; a length under 2 is an error", () => {
    expect(
      addingTaskBatches({ length: 6, batchSize: 3, batchFirst: true }).nextBatch().inputs.shape,
    ).toEqual([3, 6, 2]);
    expect(() => addingTaskBatches({ length: 1, batchSize: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: addingTaskBatches: length must be an integer >= 2, got 1]`,
    );
  });
});
