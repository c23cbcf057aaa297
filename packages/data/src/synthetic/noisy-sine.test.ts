import { describe, expect, test } from "vitest";
import { noisySine, sineSignal } from "./noisy-sine.js";

describe("noisySine", () => {
  test("is d2l's series: T = 1000 values, sin(0.01 t) plus N(0, 0.2²) noise", () => {
    const x = noisySine({ seed: 1 });
    expect(x.length).toBe(1000);
    const signal = sineSignal(1000);
    expect(signal[0]).toBe(Math.sin(0.01));
    expect(signal[999]).toBe(Math.sin(10));
    const residuals = x.map((v, i) => v - (signal[i] as number));
    const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
    const variance = residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / (residuals.length - 1);
    // standard errors: mean 0.2/√1000 ≈ 0.0063; variance 0.04·√(2/999) ≈ 0.0018
    expect(Math.abs(mean)).toBeLessThan(4 * 0.0063);
    expect(Math.abs(variance - 0.04)).toBeLessThan(4 * 0.0018);
  });

  test("the same seed gives the same series; noiseStd 0 gives the clean signal", () => {
    expect(noisySine({ seed: 3 })).toEqual(noisySine({ seed: 3 }));
    expect(noisySine({ seed: 3 })).not.toEqual(noisySine({ seed: 4 }));
    expect(noisySine({ noiseStd: 0, length: 50, frequency: 0.1 })).toEqual(sineSignal(50, 0.1));
  });

  test("bad options are errors", () => {
    expect(() => noisySine({ length: 0 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: noisySine: length must be an integer >= 1, got 0]`,
    );
    expect(() => noisySine({ noiseStd: -1 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: noisySine: noiseStd must be a number >= 0, got -1]`,
    );
  });
});
