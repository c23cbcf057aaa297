/**
 * Test support, not shipped (tsconfig.build.json leaves `src/testing` out),
 * free of Node APIs so suites that also run in Chromium can use it:
 * comparing tensors with a stated tolerance
 * that names the flat index of the first mismatch, and a few-line Adam so
 * training tests need no dependency on @recurrent/optim.
 */
import type { Tensor } from "@recurrent/tensor";
import { expect } from "vitest";

export interface Tolerance {
  /** |actual − expected| ≤ atol + rtol·|expected|. */
  readonly rtol: number;
  readonly atol?: number;
  readonly label?: string;
}

/** Expect `actual` to equal `expected` elementwise within the tolerance; shapes must match exactly. */
export function expectClose(
  actual: Tensor,
  expected: Tensor | ArrayLike<number>,
  tolerance: Tolerance,
): void {
  const label = tolerance.label ?? "value";
  let want: ArrayLike<number>;
  if ("shape" in expected && "storage" in expected) {
    expect([...actual.shape], `${label}: shape`).toEqual([...expected.shape]);
    want = expected.data();
  } else {
    want = expected as ArrayLike<number>;
  }
  const got = actual.data();
  expect(got.length, `${label}: size`).toBe(want.length);
  const atol = tolerance.atol ?? 0;
  for (let i = 0; i < want.length; i++) {
    const e = want[i] as number;
    const a = got[i] as number;
    if (!(Math.abs(a - e) <= atol + tolerance.rtol * Math.abs(e))) {
      expect.fail(
        `${label}: flat index ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > atol ${atol} + rtol ${tolerance.rtol}·|expected|)`,
      );
    }
  }
}

/** The largest |a| over a tensor. */
export function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data()) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * Adam (Kingma & Ba; PyTorch's defaults β = (0.9, 0.999), ε = 1e-8) over
 * tensors whose `.grad` a backward pass filled; updates them in place.
 */
export function adam(params: readonly Tensor[], lr: number) {
  const m = params.map((p) => new Float64Array(p.size));
  const v = params.map((p) => new Float64Array(p.size));
  let step = 0;
  return () => {
    step++;
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    params.forEach((p, k) => {
      const g = p.grad?.data();
      if (g === undefined) return;
      const mk = m[k] as Float64Array;
      const vk = v[k] as Float64Array;
      const data = p.storage.array;
      for (let i = 0; i < p.size; i++) {
        const gi = g[i] as number;
        mk[i] = 0.9 * (mk[i] as number) + 0.1 * gi;
        vk[i] = 0.999 * (vk[i] as number) + 0.001 * gi * gi;
        data[p.offset + i] =
          (data[p.offset + i] as number) -
          (lr * ((mk[i] as number) / c1)) / (Math.sqrt((vk[i] as number) / c2) + 1e-8);
      }
    });
  };
}
