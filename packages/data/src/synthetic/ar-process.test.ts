import { describe, expect, test } from "vitest";
import { arProcess } from "./ar-process.js";

describe("arProcess", () => {
  test("least squares on the lags recovers the coefficients and the intercept", () => {
    const coefficients = [0.6, -0.3, 0.2];
    const x = arProcess({ coefficients, intercept: 0.5, noiseStd: 1, length: 20000, seed: 11 });
    const rows: number[][] = [];
    const y: number[] = [];
    for (let t = 3; t < x.length; t++) {
      rows.push([1, x[t - 1] as number, x[t - 2] as number, x[t - 3] as number]);
      y.push(x[t] as number);
    }
    const [c, ...phi] = leastSquares(rows, y);
    // standard errors are about 1/√20000 ≈ 0.007 for φ
    phi.forEach((estimate, i) => {
      expect(Math.abs(estimate - (coefficients[i] as number))).toBeLessThan(0.03);
    });
    expect(Math.abs((c as number) - 0.5)).toBeLessThan(0.05);
  });

  test("the stationary mean is c / (1 − Σφ)", () => {
    const x = arProcess({ coefficients: [0.5], intercept: 1, length: 20000, seed: 2 });
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(mean - 2)).toBeLessThan(0.05);
  });

  test("noiseStd 0 and no intercept stay at 0 from the start", () => {
    expect(Array.from(arProcess({ coefficients: [0.9], noiseStd: 0, length: 3 }))).toEqual([
      0, 0, 0,
    ]);
  });

  test("an explosive process is reported, not returned as Infinity", () => {
    expect(() => arProcess({ coefficients: [1.5], length: 200, burnIn: 0 })).toThrowError(
      /^arProcess: the series diverged \(\|x\| > 1e12 at step \d+\); coefficients \[1\.5\] do not give a stationary process$/,
    );
    expect(() => arProcess({ coefficients: [] })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: arProcess: expected at least one finite coefficient, got []]`,
    );
  });
});

/** Ordinary least squares by the normal equations and Gaussian elimination (a few unknowns, float64). */
function leastSquares(rows: readonly number[][], y: readonly number[]): number[] {
  const p = rows[0]?.length ?? 0;
  const a = Array.from({ length: p }, () => new Array<number>(p + 1).fill(0));
  rows.forEach((row, n) => {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++)
        (a[i] as number[])[j] =
          ((a[i] as number[])[j] as number) + (row[i] as number) * (row[j] as number);
      (a[i] as number[])[p] =
        ((a[i] as number[])[p] as number) + (row[i] as number) * (y[n] as number);
    }
  });
  for (let col = 0; col < p; col++) {
    const pivot = a[col] as number[];
    for (let r = col + 1; r < p; r++) {
      const row = a[r] as number[];
      const factor = (row[col] as number) / (pivot[col] as number);
      for (let c = col; c <= p; c++) row[c] = (row[c] as number) - factor * (pivot[c] as number);
    }
  }
  const beta = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    const row = a[r] as number[];
    let sum = row[p] as number;
    for (let c = r + 1; c < p; c++) sum -= (row[c] as number) * (beta[c] as number);
    beta[r] = sum / (row[r] as number);
  }
  return beta;
}
