/**
 * Train / validation / test splits, deterministic. A series or a text is cut
 * by position (the past trains, the future validates and tests: shuffling
 * would leak the future into training); independent sequences (names) are
 * shuffled under a seed first. Sizes: train gets ⌊n·train⌋, validation
 * ⌊n·(train + validation)⌋ − ⌊n·train⌋, test the rest. Text is counted and
 * cut by code point, so no character is split in half.
 */
import type { TypedArray } from "@recurrent/tensor";
import { codePointLength, codeUnitIndex } from "./code-points.js";
import { check } from "./errors.js";
import { generatorFor } from "./seed.js";

export interface SplitFractions {
  /** Share of the data for training, in (0, 1]. */
  train: number;
  /** Share for validation. Default 0 when `test` is given, else 1 − train. */
  validation?: number;
  /** Share for testing. Default 1 − train − validation. */
  test?: number;
}

export interface Splits<T> {
  readonly train: T;
  readonly validation: T;
  readonly test: T;
}

/** What can be split by position. */
export type Sliceable = string | readonly unknown[] | TypedArray;

/**
 * The sizes of the three splits of `n` items.
 *
 * @example
 * splitSizes(10, { train: 0.8, validation: 0.1 }); // [8, 1, 1]
 */
export function splitSizes(
  n: number,
  fractions: SplitFractions,
  where = "splitSizes",
): [number, number, number] {
  const train = fractions.train;
  const validation = fractions.validation ?? (fractions.test === undefined ? 1 - train : 0);
  const test = fractions.test ?? 1 - train - validation;
  const shown = `train ${train}, validation ${validation}, test ${round(test)}`;
  check(
    [train, validation, test].every((f) => Number.isFinite(f) && f >= -1e-9) &&
      train > 0 &&
      Math.abs(train + validation + test - 1) < 1e-9,
    "INVALID_ARGUMENT",
    () => `${where}: expected fractions >= 0 that sum to 1 with train > 0, got ${shown}`,
  );
  check(n > 0, "EMPTY_SOURCE", () => `${where}: expected data to split, got 0 items`);
  const trainEnd = Math.floor(n * train + 1e-9);
  const validationEnd = Math.min(n, Math.floor(n * (train + validation) + 1e-9));
  const sizes: [number, number, number] = [trainEnd, validationEnd - trainEnd, n - validationEnd];
  const names = ["train", "validation", "test"] as const;
  const wanted = [train, validation, test];
  sizes.forEach((size, i) => {
    check(
      size > 0 || (wanted[i] as number) <= 1e-9,
      "TOO_SHORT",
      () =>
        `${where}: ${n} items are too few for ${shown}: ${names[i]} would be empty; give more data or change the fractions`,
    );
  });
  return sizes;
}

/**
 * Cut `data` into consecutive train, validation and test parts.
 *
 * @example
 * splitByPosition("abcdefghij", { train: 0.8, validation: 0.1 });
 * // { train: "abcdefgh", validation: "i", test: "j" }
 */
export function splitByPosition<T extends Sliceable>(
  data: T,
  fractions: SplitFractions,
): Splits<T> {
  const where = "splitByPosition";
  if (typeof data === "string") {
    const [a, b] = splitSizes(codePointLength(data), fractions, where);
    const trainEnd = codeUnitIndex(data, a);
    const validationEnd = codeUnitIndex(data, a + b);
    return {
      train: data.slice(0, trainEnd),
      validation: data.slice(trainEnd, validationEnd),
      test: data.slice(validationEnd),
    } as Splits<T>;
  }
  const [a, b] = splitSizes(data.length, fractions, where);
  // A slice of an array or a typed array is of the same type as the whole.
  const part = (from: number, to?: number): T => data.slice(from, to) as T;
  return { train: part(0, a), validation: part(a, a + b), test: part(a + b) };
}

/**
 * Shuffle independent items under `seed`, then split them.
 *
 * @example
 * const { train, validation, test } = splitShuffled(names, { train: 0.8, validation: 0.1 }, 42);
 */
export function splitShuffled<T>(
  items: readonly T[],
  fractions: SplitFractions,
  seed = 0,
): Splits<T[]> {
  const [a, b] = splitSizes(items.length, fractions, "splitShuffled");
  const shuffled = generatorFor(seed).shuffleInPlace([...items]);
  return {
    train: shuffled.slice(0, a),
    validation: shuffled.slice(a, a + b),
    test: shuffled.slice(a + b),
  };
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
