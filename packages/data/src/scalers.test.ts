import { fc, test as prop } from "@fast-check/vitest";
import { tensor } from "@recurrent/tensor";
import { describe, expect, test } from "vitest";
import { MinMaxScaler } from "./min-max-scaler.js";
import { scalerFromJSON, scaleSplits } from "./scaler.js";
import { splitByPosition } from "./splits.js";
import { StandardScaler } from "./standard-scaler.js";

// Values on a 0.001 grid within ±1e6: any spread is 0 or at least 0.001.
const values = fc.array(
  fc.integer({ min: -1e9, max: 1e9 }).map((i) => i / 1000),
  { minLength: 1, maxLength: 50 },
);

describe("StandardScaler", () => {
  test("zero mean and unit (population) variance on what it was fitted on", () => {
    const scaler = StandardScaler.fit([1, 2, 3]);
    expect(scaler.mean).toBe(2);
    expect(scaler.std).toBeCloseTo(Math.sqrt(2 / 3), 15);
    const scaled = scaler.transform([1, 2, 3]);
    expect(scaled[1]).toBe(0);
    expect(scaled[2]).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
    expect(Array.from(scaler.inverseTransform([0]))).toEqual([2]);
  });

  test("a constant series maps to 0 instead of NaN", () => {
    expect(Array.from(StandardScaler.fit([4, 4]).transform([4, 5]))).toEqual([0, 1]);
    // a spread lost in rounding, or too small to divide by, counts as constant
    expect(Array.from(StandardScaler.fit([0, 5e-324]).transform([0, 1]))).toEqual([0, 1]);
    const big = StandardScaler.fit([1e6, 1e6 + 2e-10]);
    expect(Array.from(big.inverseTransform(big.transform([1e6 + 1])))).toEqual([1e6 + 1]);
  });

  test("a tensor in gives a tensor out, same shape", () => {
    const scaler = StandardScaler.fit([0, 2]);
    const out = scaler.transform(
      tensor([
        [0, 2],
        [4, 6],
      ]),
    );
    expect(out.shape).toEqual([2, 2]);
    expect(out.dtype).toBe("float32");
    expect(out.toArray()).toEqual([
      [-1, 1],
      [3, 5],
    ]);
    expect(scaler.inverseTransform(out).toArray()).toEqual([
      [0, 2],
      [4, 6],
    ]);
  });

  test("nothing to fit on, or a non-number, is an error", () => {
    expect(() => StandardScaler.fit([])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: StandardScaler.fit: expected values to fit on, got none]`,
    );
    expect(() => StandardScaler.fit([1, Number.NaN])).toThrowErrorMatchingInlineSnapshot(
      `[DataError: StandardScaler.fit: expected finite numbers, got NaN at index 1]`,
    );
  });

  prop.prop([values, values])("inverseTransform undoes transform", (fit, data) => {
    const scaler = StandardScaler.fit(fit);
    const back = scaler.inverseTransform(scaler.transform(data));
    data.forEach((v, i) => {
      expect(back[i]).toBeCloseTo(v, 3);
    });
  });
});

describe("MinMaxScaler", () => {
  test("maps the training range onto the target range, without clipping", () => {
    const scaler = MinMaxScaler.fit([10, 20, 30], { range: [-1, 1] });
    expect(Array.from(scaler.transform([10, 25, 30, 40]))).toEqual([-1, 0.5, 1, 2]);
    expect(Array.from(scaler.inverseTransform([-1, 2]))).toEqual([10, 40]);
  });

  test("a degenerate span counts as constant, so nothing becomes NaN or Infinity", () => {
    const tiny = MinMaxScaler.fit([0, 5e-324]);
    expect(Array.from(tiny.transform([0, 1e6]))).toEqual([0, 1e6]);
    expect(Array.from(tiny.inverseTransform(tiny.transform([0, -3])))).toEqual([0, -3]);
    expect(Array.from(MinMaxScaler.fit([7, 7]).transform([7, 8]))).toEqual([0, 1]);
  });

  test("a bad range is an error", () => {
    expect(() => MinMaxScaler.fit([1], { range: [1, 0] })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: MinMaxScaler.fit: expected range [low, high] with low < high, got [1, 0]]`,
    );
  });

  prop.prop([values, values])("inverseTransform undoes transform", (fit, data) => {
    const scaler = MinMaxScaler.fit(fit);
    const back = scaler.inverseTransform(scaler.transform(data));
    data.forEach((v, i) => {
      expect(back[i]).toBeCloseTo(v, 3);
    });
  });
});

describe("scalers together", () => {
  test("round-trip through JSON", () => {
    for (const scaler of [
      StandardScaler.fit([1, 5, 9]),
      MinMaxScaler.fit([1, 5, 9], { range: [0, 2] }),
    ]) {
      const again = scalerFromJSON(JSON.parse(JSON.stringify(scaler)));
      expect(again).toEqual(scaler);
      expect(Array.from(again.transform([3]))).toEqual(Array.from(scaler.transform([3])));
    }
    expect(() => scalerFromJSON({ kind: "robust" } as never)).toThrowErrorMatchingInlineSnapshot(
      `[DataError: scalerFromJSON: expected kind "standard" or "min-max", got "robust"]`,
    );
  });

  test("scaleSplits fits on the training split only", () => {
    const series = Float64Array.from({ length: 10 }, (_, i) => i); // train 0..7, validation 8, test 9
    const {
      scaler,
      train,
      validation,
      test: held,
    } = scaleSplits(splitByPosition(series, { train: 0.8, validation: 0.1 }), "min-max");
    expect(scaler).toBeInstanceOf(MinMaxScaler);
    expect([(scaler as MinMaxScaler).min, (scaler as MinMaxScaler).max]).toEqual([0, 7]);
    expect(train[7]).toBe(1);
    expect(validation[0]).toBeCloseTo(8 / 7, 15); // the future is outside the training range
    expect(held[0]).toBeCloseTo(9 / 7, 15);
    const standard = scaleSplits(splitByPosition(series, { train: 0.8, validation: 0.1 })).scaler;
    expect((standard as StandardScaler).mean).toBe(3.5);
  });
});
