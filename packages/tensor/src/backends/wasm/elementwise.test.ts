// Tests of the elementwise, unary and reduction kernels. Binary ops must equal float32 JS
// arithmetic exactly (both round once); the transcendental ones are compared with Math.* in
// float64 and must stay within 2e-7 relative (float32-ulp level) over dense sweeps of inputs;
// sums are compared with float64 sums.

import { beforeEach, describe, expect, it } from "vitest";
import { instantiateKernels } from "./kernels.js";

const memory = new WebAssembly.Memory({ initial: 64 });
const kernels = instantiateKernels(memory);
let top = 0;

/** Copies values into a fresh 64-byte-aligned (plus `skew` floats) block; returns ptr and view. */
function f32Array(values: ArrayLike<number> | number, skew = 0) {
  const length = typeof values === "number" ? values : values.length;
  const ptr = Math.ceil(top / 64) * 64 + skew * 4;
  top = ptr + length * 4 + 64;
  if (top > memory.buffer.byteLength)
    memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
  const view = new Float32Array(memory.buffer, ptr, length);
  if (typeof values !== "number") view.set(values);
  return { ptr, view, length };
}

function randomValues(count: number, seed: number, low = -1, high = 1): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = low + (state / 4294967296) * (high - low);
  }
  return out;
}

beforeEach(() => {
  top = Math.ceil(kernels.heapBase / 64) * 64;
});

const binaryOps = {
  add: (x: number, y: number) => x + y,
  sub: (x: number, y: number) => x - y,
  mul: (x: number, y: number) => x * y,
  div: (x: number, y: number) => x / y,
} as const;

describe("binary elementwise", () => {
  for (const [name, op] of Object.entries(binaryOps)) {
    const kernel = kernels[name as keyof typeof binaryOps];
    it(`${name} equals float32 arithmetic for every length 0..40 and a long array`, () => {
      for (const n of [...Array.from({ length: 41 }, (_, i) => i), 1003]) {
        const a = f32Array(randomValues(n, n + 1));
        const b = f32Array(randomValues(n, n + 1000, 0.1, 2));
        const out = f32Array(n + 1);
        out.view[n] = 12345;
        kernel(a.ptr, b.ptr, out.ptr, n);
        for (let i = 0; i < n; i++) {
          expect(out.view[i]).toBe(Math.fround(op(a.view[i] as number, b.view[i] as number)));
        }
        expect(out.view[n]).toBe(12345); // nothing written past the end
      }
    });

    it(`${name}Row broadcasts b over the rows of a, in place and misaligned`, () => {
      const rows = 7;
      const cols = 13;
      const a = f32Array(randomValues(rows * cols, 3), 1);
      const original = a.view.slice();
      const b = f32Array(randomValues(cols, 4, 0.5, 1.5));
      const rowKernel = kernels[`${name}Row` as `${keyof typeof binaryOps}Row`];
      rowKernel(a.ptr, b.ptr, a.ptr, rows, cols);
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < cols; j++) {
          const expected = Math.fround(op(original[r * cols + j] as number, b.view[j] as number));
          expect(a.view[r * cols + j]).toBe(expected);
        }
      }
    });

    it(`${name}Column broadcasts one value per row (and a scalar), in place and misaligned`, () => {
      const columnKernel = kernels[`${name}Column` as `${keyof typeof binaryOps}Column`];
      for (const [rows, cols] of [
        [7, 13],
        [5, 8],
        [1, 41],
        [3, 1],
      ] as const) {
        const a = f32Array(randomValues(rows * cols, rows + cols), 1);
        const original = a.view.slice();
        const b = f32Array(randomValues(rows, 9, 0.5, 1.5));
        const guard = f32Array(1);
        guard.view[0] = 777;
        columnKernel(a.ptr, b.ptr, a.ptr, rows, cols);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < cols; j++) {
            const expected = Math.fround(op(original[r * cols + j] as number, b.view[r] as number));
            expect(a.view[r * cols + j]).toBe(expected);
          }
        }
        expect(guard.view[0]).toBe(777);
      }
    });
  }

  it("follows IEEE semantics for division by zero", () => {
    const a = f32Array([1, -1, 0, 5]);
    const b = f32Array([0, 0, 0, -0]);
    const out = f32Array(4);
    kernels.div(a.ptr, b.ptr, out.ptr, 4);
    expect(Array.from(out.view)).toEqual([Infinity, -Infinity, NaN, -Infinity]);
  });
});

/** Float32 inputs spread over [low, high], plus the given extra values. */
function sweep(low: number, high: number, count: number, extra: number[] = []): Float32Array {
  const values = new Float32Array(count + extra.length);
  for (let i = 0; i < count; i++) values[i] = low + ((high - low) * i) / (count - 1);
  values.set(extra, count);
  return values;
}

const MIN_NORMAL = 2 ** -126;

/**
 * Runs a unary kernel and returns the largest relative error against the float64 reference
 * over results in the normal float32 range. Results that are subnormal, zero or infinite in
 * float32 must equal the float64 reference rounded to float32 within one subnormal step.
 */
function maxRelativeError(
  kernel: (a: number, out: number, n: number) => void,
  reference: (x: number) => number,
  inputs: Float32Array,
): number {
  const a = f32Array(inputs, 1);
  const out = f32Array(inputs.length);
  kernel(a.ptr, out.ptr, inputs.length);
  let worst = 0;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i] as number;
    const expected = reference(x);
    const got = out.view[i] as number;
    const rounded = Math.fround(expected);
    if (Number.isNaN(expected)) {
      if (!Number.isNaN(got)) return Number.POSITIVE_INFINITY;
    } else if (Math.abs(rounded) < MIN_NORMAL || !Number.isFinite(rounded)) {
      if (!(Object.is(got, rounded) || Math.abs(got - rounded) <= 2 ** -149)) {
        return Number.POSITIVE_INFINITY;
      }
    } else {
      worst = Math.max(worst, Math.abs(got - expected) / Math.abs(expected));
    }
  }
  return worst;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const specials = [0, -0, Infinity, -Infinity, NaN, 1e-30, -1e-30, 1e-45, -1e-45, 3e38, -3e38];
const tinyValues = Array.from({ length: 60 }, (_, i) => 2 ** -(i * 2.5)).flatMap((v) => [v, -v]);

describe("unary transcendental kernels (relative error vs float64 Math.*)", () => {
  // The tests allow 2e-7; scripts/kernel-accuracy.mjs reports the exact maxima (≈ 6e-8).
  const limit = 2e-7;

  it("exp", () => {
    const inputs = sweep(-110, 100, 400001, [
      ...specials,
      ...tinyValues,
      88.72,
      88.73,
      -87.3,
      -103.9,
    ]);
    expect(maxRelativeError(kernels.exp, Math.exp, inputs)).toBeLessThanOrEqual(limit);
  });

  it("log, including subnormal inputs, values near 1, zero and negatives", () => {
    const positive = Float32Array.from(
      { length: 200000 },
      (_, i) => 2 ** (-149 + (i * 277) / 200000),
    );
    const nearOne = sweep(0.9, 1.1, 100001);
    const inputs = new Float32Array([...positive, ...nearOne, ...specials, -1, -5]);
    expect(maxRelativeError(kernels.log, Math.log, inputs)).toBeLessThanOrEqual(limit);
  });

  it("tanh, including tiny arguments where tanh(x) ≈ x", () => {
    const inputs = sweep(-12, 12, 400001, [...specials, ...tinyValues]);
    expect(maxRelativeError(kernels.tanh, Math.tanh, inputs)).toBeLessThanOrEqual(limit);
  });

  it("sigmoid, out to the underflow range", () => {
    const inputs = sweep(-120, 40, 400001, [...specials, ...tinyValues]);
    expect(maxRelativeError(kernels.sigmoid, sigmoid, inputs)).toBeLessThanOrEqual(limit);
  });

  it("relu is exact and keeps NaN", () => {
    const inputs = new Float32Array([...sweep(-3, 3, 1001), ...specials]);
    const relu = (x: number) => (Number.isNaN(x) ? NaN : Math.max(x, 0));
    expect(maxRelativeError(kernels.relu, relu, inputs)).toBe(0);
  });

  it("handles every tail length and writes nothing past n", () => {
    for (let n = 0; n <= 9; n++) {
      const a = f32Array(sweep(-2, 2, Math.max(n, 2)).subarray(0, n));
      const out = f32Array(n + 3);
      out.view.fill(7);
      kernels.tanh(a.ptr, out.ptr, n);
      for (let i = 0; i < n; i++) {
        expect(out.view[i]).toBeCloseTo(Math.tanh(a.view[i] as number), 6);
      }
      expect(Array.from(out.view.subarray(n))).toEqual([7, 7, 7]);
    }
  });

  it("the error measure can fail: float32 arithmetic on a crude formula is rejected", () => {
    // tanh via 1 - 2/(exp(2x)+1) in float32 loses relative accuracy near 0.
    const crude = (a: number, out: number, n: number) => {
      const input = new Float32Array(memory.buffer, a, n);
      const output = new Float32Array(memory.buffer, out, n);
      for (let i = 0; i < n; i++) {
        const e = Math.fround(Math.exp(Math.fround(2 * (input[i] as number))));
        output[i] = Math.fround(1 - Math.fround(2 / Math.fround(e + 1)));
      }
    };
    expect(maxRelativeError(crude, Math.tanh, sweep(-1, 1, 1001))).toBeGreaterThan(limit);
  });
});

describe("reductions", () => {
  it("sum accumulates in float64 for every length 0..40 and a long mixed-sign array", () => {
    for (const n of [...Array.from({ length: 41 }, (_, i) => i), 100003]) {
      const a = f32Array(randomValues(n, n + 7, -1000, 1000), n % 2);
      let exact = 0;
      let magnitude = 0;
      for (let i = 0; i < n; i++) {
        exact += a.view[i] as number;
        magnitude += Math.abs(a.view[i] as number);
      }
      expect(Math.abs(kernels.sum(a.ptr, n) - exact)).toBeLessThanOrEqual(1e-13 * magnitude);
    }
  });

  it("colSum equals the float64 column sums rounded once, over strip and tail widths", () => {
    for (const [rows, cols] of [
      [37, 53],
      [1, 1],
      [0, 5],
      [5, 3],
      [2048, 65],
      [3, 16],
      [4, 20],
    ] as const) {
      const a = f32Array(randomValues(rows * cols, rows * 31 + cols, -5, 5));
      const out = f32Array(cols + 1);
      out.view.fill(Number.NaN); // overwritten, never read, when not accumulating
      out.view[cols] = 99;
      kernels.colSum(a.ptr, out.ptr, rows, cols, 0);
      for (let j = 0; j < cols; j++) {
        let total = 0;
        for (let r = 0; r < rows; r++) total += a.view[r * cols + j] as number;
        expect(out.view[j]).toBe(Math.fround(total));
      }
      expect(out.view[cols]).toBe(99);
    }
  });

  it("colSum with accumulate adds to what is already there", () => {
    const rows = 9;
    const cols = 23;
    const a = f32Array(randomValues(rows * cols, 5));
    const start = randomValues(cols, 6);
    const out = f32Array(start);
    kernels.colSum(a.ptr, out.ptr, rows, cols, 1);
    for (let j = 0; j < cols; j++) {
      let total = start[j] as number;
      for (let r = 0; r < rows; r++) total += a.view[r * cols + j] as number;
      expect(out.view[j]).toBeCloseTo(total, 5);
      expect(Math.abs((out.view[j] as number) - total)).toBeLessThanOrEqual(
        1e-6 * Math.abs(total) + 1e-7,
      );
    }
  });
});

describe("zeroBytes", () => {
  it("zeroes exactly the bytes asked for, at any offset, and nothing around them", () => {
    for (const [count, skew] of [
      [1, 0],
      [7, 1],
      [1000, 3],
      [65536, 0],
    ] as const) {
      const block = f32Array(randomValues(count + 2, count, 1, 2), skew);
      kernels.zeroBytes(block.ptr + 4, count * 4);
      expect(block.view[0]).not.toBe(0);
      expect(block.view[count + 1]).not.toBe(0);
      expect(block.view.subarray(1, count + 1).every((v) => Object.is(v, 0))).toBe(true);
    }
  });
});
