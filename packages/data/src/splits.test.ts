import { fc, test as prop } from "@fast-check/vitest";
import { Generator } from "@recurrent/tensor";
import { describe, expect, test } from "vitest";
import type { DataError } from "./errors.js";
import { mixSeed } from "./seed.js";
import { splitByPosition, splitShuffled, splitSizes } from "./splits.js";

describe("splitSizes", () => {
  test.each([
    [10, { train: 0.8, validation: 0.1 }, [8, 1, 1]],
    [10, { train: 0.8 }, [8, 2, 0]],
    [10, { train: 0.7, test: 0.3 }, [7, 0, 3]],
    [7305, { train: 0.8, validation: 0.1, test: 0.1 }, [5844, 730, 731]],
    [3, { train: 1 }, [3, 0, 0]],
  ])("%i items with %o → %o", (n, fractions, sizes) => {
    expect(splitSizes(n, fractions)).toEqual(sizes);
  });

  test("bad fractions and too little data are errors", () => {
    expect(() =>
      splitSizes(10, { train: 0.8, validation: 0.3 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: splitSizes: expected fractions >= 0 that sum to 1 with train > 0, got train 0.8, validation 0.3, test -0.1]`,
    );
    expect(() => splitSizes(3, { train: 0.8, validation: 0.1 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: splitSizes: 3 items are too few for train 0.8, validation 0.1, test 0.1: validation would be empty; give more data or change the fractions]`,
    );
    expect(() => splitSizes(0, { train: 1 })).toThrow(
      "splitSizes: expected data to split, got 0 items",
    );
  });
});

describe("splitByPosition", () => {
  test("a text is cut in order", () => {
    expect(splitByPosition("abcdefghij", { train: 0.8, validation: 0.1 })).toEqual({
      train: "abcdefgh",
      validation: "i",
      test: "j",
    });
  });

  test("text is cut by code point, never inside a surrogate pair", () => {
    const text = "😀😀😀😀😀😀😀😀🐋🐳";
    const {
      train,
      validation,
      test: rest,
    } = splitByPosition(text, { train: 0.8, validation: 0.1 });
    expect([train, validation, rest]).toEqual(["😀😀😀😀😀😀😀😀", "🐋", "🐳"]);
  });

  test("typed arrays and arrays keep their type", () => {
    const split = splitByPosition(Float64Array.of(1, 2, 3, 4), { train: 0.5, validation: 0.25 });
    expect(split.train).toBeInstanceOf(Float64Array);
    expect(Array.from(split.test)).toEqual([4]);
    expect(splitByPosition([1, 2, 3, 4], { train: 0.75 }).validation).toEqual([4]);
  });

  prop.prop([
    fc.array(fc.integer(), { minLength: 1, maxLength: 200 }),
    fc.double({ min: 0.3, max: 0.9, noNaN: true }),
  ])("the splits put back together are the data, or it says it is too short", (data, train) => {
    const validation = (1 - train) / 2;
    let split: ReturnType<typeof splitByPosition<number[]>>;
    try {
      split = splitByPosition(data, { train, validation, test: 1 - train - validation });
    } catch (error) {
      expect((error as DataError).code).toBe("TOO_SHORT");
      expect(data.length).toBeLessThan(2 / (1 - train) + 1);
      return;
    }
    expect([...split.train, ...split.validation, ...split.test]).toEqual(data);
    expect(split.train.length).toBe(Math.floor(data.length * train + 1e-9));
  });
});

describe("splitShuffled", () => {
  const items = Array.from({ length: 50 }, (_, i) => `item ${i}`);

  test("shuffles under the seed, then cuts", () => {
    const split = splitShuffled(items, { train: 0.8, validation: 0.1 }, 7);
    const expected = new Generator(mixSeed(7)).shuffleInPlace([...items]);
    expect(split.train).toEqual(expected.slice(0, 40));
    expect(split.validation).toEqual(expected.slice(40, 45));
    expect(split.test).toEqual(expected.slice(45));
    expect(split.train).not.toEqual(items.slice(0, 40));
    expect(splitShuffled(items, { train: 0.8, validation: 0.1 }, 7)).toEqual(split);
    expect(splitShuffled(items, { train: 0.8, validation: 0.1 }, 8)).not.toEqual(split);
  });

  prop.prop([fc.uniqueArray(fc.integer(), { minLength: 10, maxLength: 100 }), fc.integer()])(
    "the three parts partition the items",
    (data, seed) => {
      const split = splitShuffled(data, { train: 0.6, validation: 0.2, test: 0.2 }, seed);
      const all = [...split.train, ...split.validation, ...split.test];
      expect(all.length).toBe(data.length);
      expect([...all].sort((a, b) => a - b)).toEqual([...data].sort((a, b) => a - b));
    },
  );
});
