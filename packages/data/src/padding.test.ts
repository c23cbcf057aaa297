import { describe, expect, test } from "vitest";
import { languageModelBatch, padSequences } from "./padding.js";

describe("padSequences", () => {
  test("pads to the longest, time-major, with a float32 mask and the lengths", () => {
    const { tokens, mask, lengths } = padSequences([[5, 6, 7], [8]]);
    expect(tokens.dtype).toBe("int32");
    expect(mask.dtype).toBe("float32");
    expect(tokens.toArray()).toEqual([
      [5, 8],
      [6, 0],
      [7, 0],
    ]);
    expect(mask.toArray()).toEqual([
      [1, 1],
      [1, 0],
      [1, 0],
    ]);
    expect(Array.from(lengths)).toEqual([3, 1]);
  });

  test("batchFirst, another pad id, and a length limit", () => {
    const { tokens, lengths } = padSequences([Int32Array.of(5, 6, 7), [8]], {
      batchFirst: true,
      padId: 9,
      maxLength: 2,
    });
    expect(tokens.toArray()).toEqual([
      [5, 6],
      [8, 9],
    ]);
    expect(Array.from(lengths)).toEqual([2, 1]);
  });

  test("no sequences is an error", () => {
    expect(() => padSequences([])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: padSequences: expected at least one sequence, got none]`,
    );
  });
});

describe("languageModelBatch", () => {
  test("targets are the inputs shifted by one; padding is masked", () => {
    const batch = languageModelBatch([
      [2, 5, 6, 3],
      [2, 7, 3],
    ]);
    expect(batch.inputs.toArray()).toEqual([
      [2, 2],
      [5, 7],
      [6, 0],
    ]);
    expect(batch.targets.toArray()).toEqual([
      [5, 7],
      [6, 3],
      [3, 0],
    ]);
    expect(batch.mask.toArray()).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
    expect(Array.from(batch.lengths)).toEqual([3, 2]);
  });

  test("a sequence too short to have a target is an error", () => {
    expect(() => languageModelBatch([[2, 3], [4]])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: languageModelBatch: expected every sequence to have at least 2 tokens (an input and its target), got 1 in sequence 1; frame sequences with <bos> and <eos>]`,
    );
  });
});
