/**
 * Test support, not shipped (tsconfig.build.json leaves `src/testing` out):
 * reading the PyTorch fixtures, and comparing tensors with a stated
 * tolerance that names the flat index of the first mismatch.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { backward, noGrad } from "@recurrent/autograd";
import { Generator, mul, type NestedArray, sum, type Tensor } from "@recurrent/tensor";
import { expect } from "vitest";
import type { Module } from "../module.js";

export const fixturesDir = fileURLToPath(new URL("../../fixtures/", import.meta.url));
export const scriptPath = fileURLToPath(
  new URL("../../scripts/torch_nn_fixtures.py", import.meta.url),
);

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${fixturesDir}${name}`, "utf8")) as T;
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${fixturesDir}${name}`));
}

/** Nested arrays flattened row-major, with their shape. */
export function flat(value: NestedArray): { shape: number[]; data: number[] } {
  const shape: number[] = [];
  let level: NestedArray = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedArray;
  }
  const data: number[] = [];
  const walk = (v: NestedArray) => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else data.push(v as number);
  };
  walk(value);
  return { shape, data };
}

/**
 * Expect `actual` to equal `expected` (nested arrays) elementwise within
 * |a − e| ≤ atol + rtol·|e|; shapes must match exactly.
 */
export function expectClose(
  actual: Tensor,
  expected: NestedArray,
  tolerance: { rtol: number; atol?: number; label?: string },
): void {
  const { shape, data } = flat(expected);
  const label = tolerance.label ?? "value";
  expect(actual.shape, `${label}: shape`).toEqual(shape);
  const got = actual.data();
  const atol = tolerance.atol ?? 0;
  for (let i = 0; i < data.length; i++) {
    const e = data[i] as number;
    const a = got[i] as number;
    if (!(Math.abs(a - e) <= atol + tolerance.rtol * Math.abs(e))) {
      expect.fail(
        `${label}: flat index ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > atol ${atol} + rtol ${tolerance.rtol}·|expected|)`,
      );
    }
  }
}

/** Exact elementwise equality of two tensors (same shape, dtype and bits). */
export function expectSameTensor(
  actual: Tensor | undefined,
  expected: Tensor,
  label = "tensor",
): void {
  expect(actual, `${label}: missing`).toBeDefined();
  const a = actual as Tensor;
  expect(a.shape, `${label}: shape`).toEqual(expected.shape);
  expect(a.dtype, `${label}: dtype`).toBe(expected.dtype);
  expect(Array.from(a.data()), `${label}: values`).toEqual(Array.from(expected.data()));
}

/**
 * Finite-difference check of a module's parameter gradients in float64 (the
 * module must be float64): the analytic ∂L/∂p from `backward` against
 * (L(p + ε) − L(p − ε)) / 2ε for every element of every parameter, with
 * L = Σ w·out for a fixed random projection w, and the same pass/fail rule
 * as autograd's gradcheck (|num − ana| ≤ atol + rtol·|num|).
 */
export function gradcheckParameters(
  module: Module,
  run: () => Tensor,
  options: { eps?: number; atol?: number; rtol?: number; seed?: number } = {},
): { checked: number } {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const probe = noGrad(run);
  const weights = new Generator(options.seed ?? 0).normal(probe.shape, 0, 1, "float64");
  const objective = () => sum(mul(run(), weights));
  module.zeroGrad();
  backward(objective());
  let checked = 0;
  for (const [name, p] of module.namedParameters()) {
    expect(p.dtype, `${name} must be float64 for a finite-difference check`).toBe("float64");
    const analytic = p.grad?.toTypedArray() ?? new Float64Array(p.size);
    for (let j = 0; j < p.size; j++) {
      const data = p.storage.array;
      const original = data[p.offset + j] as number;
      data[p.offset + j] = original + eps;
      const plus = noGrad(() => objective().item());
      p.storage.array[p.offset + j] = original - eps;
      const minus = noGrad(() => objective().item());
      p.storage.array[p.offset + j] = original;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[j] as number;
      if (!(Math.abs(numeric - a) <= atol + rtol * Math.abs(numeric))) {
        expect.fail(`${name}, flat index ${j}: numeric ${numeric}, analytic ${a}`);
      }
      checked++;
    }
  }
  module.zeroGrad();
  return { checked };
}
