import { fc, test as prop } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { windowBatches } from "./window-batches.js";
import { slidingWindows } from "./windows.js";

describe("slidingWindows", () => {
  test("τ inputs and the next value (d2l features and labels)", () => {
    const { inputs, targets, starts } = slidingWindows([1, 2, 3, 4, 5], { tau: 3 });
    expect(inputs.dtype).toBe("float32");
    expect(inputs.toArray()).toEqual([
      [1, 2, 3],
      [2, 3, 4],
    ]);
    expect(targets.toArray()).toEqual([[4], [5]]);
    expect(Array.from(starts)).toEqual([0, 1]);
  });

  test("k-step targets and a stride", () => {
    const series = Array.from({ length: 10 }, (_, i) => i);
    const { inputs, targets } = slidingWindows(series, { tau: 2, horizon: 3, stride: 2 });
    expect(inputs.toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(targets.toArray()).toEqual([
      [2, 3, 4],
      [4, 5, 6],
      [6, 7, 8],
    ]);
  });

  test("too short a series says how many values it needs", () => {
    expect(() =>
      slidingWindows([1, 2, 3, 4, 5], { tau: 4, horizon: 2 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: slidingWindows: expected at least tau + horizon = 4 + 2 = 6 values, got 5]`,
    );
    expect(() => slidingWindows([], { tau: 1 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: slidingWindows: expected a non-empty series, got 0 values]`,
    );
    expect(() => slidingWindows([1, 2], { tau: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: slidingWindows: tau must be an integer >= 1, got 0]`,
    );
  });
});

describe("windowBatches", () => {
  const series = Float64Array.from({ length: 30 }, (_, i) => i);

  test("shuffled batches of [batch, τ] and [batch, k], last batch smaller", () => {
    const stream = windowBatches(series, { tau: 4, horizon: 2, batchSize: 8, seed: 1 });
    expect(stream.statePolicy).toBe("reset");
    expect(stream.batchesInEpoch(0)).toBe(4); // 25 windows
    const batches = [...stream];
    expect(batches.map((b) => b.inputs.shape)).toEqual([
      [8, 4],
      [8, 4],
      [8, 4],
      [1, 4],
    ]);
    expect(batches[0]?.targets.shape).toEqual([8, 2]);
    for (const b of batches) {
      const x = b.inputs.toArray() as number[][];
      const y = b.targets.toArray() as number[][];
      x.forEach((row, i) => {
        expect(row[0]).toBe(b.starts[i]);
        expect(y[i]).toEqual([(row[3] as number) + 1, (row[3] as number) + 2]);
      });
    }
  });

  test("dropLast drops the short batch; too few windows is an error", () => {
    expect(
      windowBatches(series, { tau: 4, horizon: 2, batchSize: 8, dropLast: true }).batchesInEpoch(0),
    ).toBe(3);
    expect(() =>
      windowBatches(series, { tau: 4, batchSize: 32, dropLast: true }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: windowBatches: expected at least batchSize = 32 windows with dropLast, got 26 (from 30 values)]`,
    );
  });

  prop.prop([
    fc.integer({ min: 2, max: 80 }),
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 3 }),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 0, max: 99 }),
  ])("every window appears exactly once per epoch", (length, tau, horizon, batchSize, seed) => {
    fc.pre(length >= tau + horizon);
    const values = Float64Array.from({ length }, (_, i) => i);
    const stream = windowBatches(values, { tau, horizon, batchSize, seed });
    const starts = [...stream].flatMap((b) => Array.from(b.starts)).sort((a, b) => a - b);
    expect(starts).toEqual(Array.from({ length: length - tau - horizon + 1 }, (_, i) => i));
  });
});
