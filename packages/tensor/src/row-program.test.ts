// Tests of the rowProgram kernel on every built-in backend: each op against a per-element
// reference written here, operand layouts (broadcast rows, per-row scalars, accumulation),
// register aliasing, widths that leave SIMD tails, agreement between backends, errors for bad
// programs, and a whole gated-cell forward step (four gates, a cell state) written as a program.

import { afterAll, describe, expect, it } from "vitest";
import { getBackend, kernel, listBackends, setBackend } from "./backend.js";
import { TensorError } from "./errors.js";
import { RowOp, type RowProgram } from "./row-program.js";
import type { Storage } from "./storage.js";
import { seededFloat32 } from "./testing/reference.js";

const initial = getBackend().name;
afterAll(() => {
  setBackend(initial);
});
const backends = ["js", "wasm"].filter((name) => listBackends().includes(name));

function program(
  instructions: number[][],
  registers: number,
  constants: number[] = [],
): RowProgram {
  return {
    code: Int32Array.from(instructions.flat()),
    constants: Float32Array.from(constants),
    registers,
  };
}

function storage(values: ArrayLike<number>): Storage {
  const s = getBackend().alloc("float32", Math.max(values.length, 1));
  (s.array as Float32Array).set(values);
  return s;
}

/** Test data from the suites' shared seeded source, as float32 (in [-3, 3) unless told). */
const random = (count: number, seed: number, low = -3, high = 3) =>
  seededFloat32(seed, count, low, high);

function run(p: RowProgram, operands: Storage[], layout: number[], rows: number, width: number) {
  kernel("rowProgram")(p, operands, Int32Array.from(layout), rows, width);
}

/** |got − want| ≤ 3e-7·|want| + 1e-30 elementwise (float32 noise; exact ops pass trivially). */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel = 3e-7) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as number;
    const g = got[i] as number;
    if (Number.isNaN(w)) {
      expect(g, `element ${i}`).toBeNaN();
      continue;
    }
    if (!(Math.abs(g - w) <= rel * Math.abs(w) + 1e-30)) {
      throw new Error(`element ${i}: got ${g}, want ${w}`);
    }
  }
}

const f = Math.fround;
const unary: [string, number, (x: number) => number, [number, number]][] = [
  ["COPY", RowOp.COPY, (x) => x, [-3, 3]],
  ["NEG", RowOp.NEG, (x) => -x, [-3, 3]],
  ["ONE_MINUS", RowOp.ONE_MINUS, (x) => 1 - x, [-3, 3]],
  ["SQUARE", RowOp.SQUARE, (x) => x * x, [-3, 3]],
  ["SQRT", RowOp.SQRT, Math.sqrt, [0.01, 9]],
  ["RSQRT", RowOp.RSQRT, (x) => 1 / Math.sqrt(x), [0.01, 9]],
  ["RECIP", RowOp.RECIP, (x) => 1 / x, [0.1, 9]],
  ["ABS", RowOp.ABS, Math.abs, [-3, 3]],
  ["EXP", RowOp.EXP, Math.exp, [-20, 20]],
  ["LOG", RowOp.LOG, Math.log, [0.001, 100]],
  ["SIGMOID", RowOp.SIGMOID, (x) => 1 / (1 + Math.exp(-x)), [-20, 20]],
  ["TANH", RowOp.TANH, Math.tanh, [-10, 10]],
  ["RELU", RowOp.RELU, (x) => Math.max(x, 0), [-3, 3]],
  ["STEP", RowOp.STEP, (x) => (x > 0 ? 1 : 0), [-3, 3]],
];
const binary: [string, number, (x: number, y: number, z: number) => number][] = [
  ["ADD", RowOp.ADD, (x, y) => x + y],
  ["SUB", RowOp.SUB, (x, y) => x - y],
  ["MUL", RowOp.MUL, (x, y) => x * y],
  ["DIV", RowOp.DIV, (x, y) => x / y],
  ["MAX", RowOp.MAX, (x, y) => Math.max(x, y)],
  ["MIN", RowOp.MIN, (x, y) => Math.min(x, y)],
  ["FMA", RowOp.FMA, (x, y, z) => z + f(x * y)],
  ["WHERE_POS", RowOp.WHERE_POS, (x, y, z) => (z > 0 ? x : y)],
];
const widths = [1, 3, 5, 17, 259];

describe.each(backends)("rowProgram on %s", (name) => {
  const use = () => setBackend(name);

  it.each(unary)("%s matches its reference at every width", (_, op, ref, [lo, hi]) => {
    use();
    for (const width of widths) {
      const rows = 3;
      const x = random(rows * width, width * 7 + op, lo, hi);
      const p = program(
        [
          [RowOp.LOAD, 0, 0, 0],
          [op, 1, 0, 0],
          [RowOp.STORE, 1, 1, 0],
        ],
        2,
      );
      const out = storage(new Float32Array(rows * width));
      run(p, [storage(x), out], [0, width, 1, 0, width, 1], rows, width);
      expectClose(
        out.array,
        Array.from(x, (v) => f(ref(v))),
      );
    }
  });

  it.each(binary)("%s matches its reference at every width", (_, op, ref) => {
    use();
    for (const width of widths) {
      const rows = 2;
      const [x, y, z] = [1, 2, 3].map((s) => random(rows * width, s * 31 + width));
      const p = program(
        [
          [RowOp.LOAD, 0, 0, 0],
          [RowOp.LOAD, 1, 1, 0],
          [RowOp.LOAD, 2, 2, 0],
          [op, 2, 0, 1],
          [RowOp.STORE, 3, 2, 0],
        ],
        3,
      );
      const out = storage(new Float32Array(rows * width));
      const lay = [0, width, 1];
      run(
        p,
        [storage(x as Float32Array), storage(y as Float32Array), storage(z as Float32Array), out],
        [...lay, ...lay, ...lay, ...lay],
        rows,
        width,
      );
      expectClose(
        out.array,
        Array.from(x as Float32Array, (v, i) =>
          f(ref(v, (y as Float32Array)[i] as number, (z as Float32Array)[i] as number)),
        ),
      );
    }
  });

  it("CONST and ROWSUM fill every column; registers alias (dst == a == b)", () => {
    use();
    for (const width of widths) {
      const rows = 4;
      const x = random(rows * width, width);
      const p = program(
        [
          [RowOp.LOAD, 0, 0, 0],
          [RowOp.MUL, 0, 0, 0], // x² in place
          [RowOp.CONST, 1, 0, 0],
          [RowOp.ADD, 0, 0, 1], // x² + 0.5
          [RowOp.ROWSUM, 2, 0, 0],
          [RowOp.STORE, 1, 0, 0],
          [RowOp.STORE, 2, 2, 0],
        ],
        3,
        [0.5],
      );
      const out = storage(new Float32Array(rows * width));
      const sums = storage(new Float32Array(rows * width));
      const lay = [0, width, 1];
      run(p, [storage(x), out, sums], [...lay, ...lay, ...lay], rows, width);
      const want = Array.from(x, (v) => f(f(v * v) + 0.5));
      expectClose(out.array, want);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < width; j++) s += want[r * width + j] as number;
        for (let j = 0; j < width; j++) {
          const got = (sums.array as Float32Array)[r * width + j] as number;
          expect(Math.abs(got - s)).toBeLessThanOrEqual(1e-5 * Math.abs(s) + 1e-6);
        }
      }
    }
  });

  it("broadcasts a row (rowStride 0), a per-row scalar (colStride 0), and sums gradients with ACCUMULATE", () => {
    use();
    const rows = 5;
    const width = 7;
    const x = random(rows * width, 1);
    const bias = random(width, 2);
    const mask = Float32Array.from({ length: rows }, (_, r) => (r % 2 === 0 ? 1 : 0));
    const p = program(
      [
        [RowOp.LOAD, 0, 0, 0],
        [RowOp.LOAD, 1, 1, 0],
        [RowOp.LOAD, 2, 2, 0],
        [RowOp.ADD, 0, 0, 1],
        [RowOp.MUL, 0, 0, 2],
        [RowOp.STORE, 3, 0, 0],
        [RowOp.ACCUMULATE, 4, 0, 0], // bias-shaped: Σ over rows
        [RowOp.ACCUMULATE, 5, 0, 0], // per-row scalar: Σ over columns
        [RowOp.ACCUMULATE, 6, 0, 0], // one scalar: Σ over everything
      ],
      3,
    );
    const out = storage(new Float32Array(rows * width));
    const dBias = storage(new Float32Array(width).fill(1));
    // The per-row operand sits at offset 3 with rowStride 2 inside a larger storage.
    const perRow = storage(new Float32Array(3 + 2 * rows));
    const total = storage([10]);
    const layout = [0, width, 1, 0, 0, 1, 0, 1, 0, 0, width, 1, 0, 0, 1, 3, 2, 0, 0, 0, 0];
    run(
      p,
      [storage(x), storage(bias), storage(mask), out, dBias, perRow, total],
      layout,
      rows,
      width,
    );
    const y = Array.from(x, (v, i) =>
      f(f(v + (bias[i % width] as number)) * (mask[Math.floor(i / width)] as number)),
    );
    expectClose(out.array, y);
    const wantBias = Array.from({ length: width }, (_, j) => {
      let s = 1;
      for (let r = 0; r < rows; r++) s = f(s + (y[r * width + j] as number));
      return s;
    });
    expectClose(dBias.array, wantBias);
    const wantPerRow = new Float32Array(3 + 2 * rows);
    let all = 10;
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < width; j++) s += y[r * width + j] as number;
      wantPerRow[3 + 2 * r] = s;
      all += s;
    }
    expectClose(perRow.array, wantPerRow, 1e-6);
    expect(Math.abs(((total.array as Float32Array)[0] as number) - all)).toBeLessThan(1e-4);
  });

  it("reads the layout on every call (the caller moves it between steps)", () => {
    use();
    const width = 6;
    const steps = 4;
    const xs = random(steps * 2 * width, 9);
    const p = program(
      [
        [RowOp.LOAD, 0, 0, 0],
        [RowOp.ACCUMULATE, 1, 0, 0],
      ],
      1,
    );
    const acc = storage(new Float32Array(2 * width));
    const input = storage(xs);
    const layout = Int32Array.from([0, width, 1, 0, width, 1]);
    for (let t = 0; t < steps; t++) {
      layout[0] = t * 2 * width;
      kernel("rowProgram")(p, [input, acc], layout, 2, width);
    }
    const want = new Float32Array(2 * width);
    for (let t = 0; t < steps; t++)
      for (let i = 0; i < 2 * width; i++)
        want[i] = f((want[i] as number) + (xs[t * 2 * width + i] as number));
    expectClose(acc.array, want);
  });

  it("a gated-cell forward step (four gates, a cell state) written as a program equals the plain equations", () => {
    use();
    const batch = 3;
    const hidden = 37;
    // pre: [batch, 4·hidden] gate pre-activations (i, f, g, o), bias [4·hidden], c_prev [batch, hidden].
    const pre = random(batch * 4 * hidden, 11);
    const bias = random(4 * hidden, 12, -1, 1);
    const cPrev = random(batch * hidden, 13, -1, 1);
    const ops: number[][] = [];
    // operands 0..3: gate slices of pre; 4..7: bias slices; 8: c_prev; 9: c out; 10: h out.
    for (let g = 0; g < 4; g++)
      ops.push([RowOp.LOAD, g, g, 0], [RowOp.LOAD, 4, 4 + g, 0], [RowOp.ADD, g, g, 4]);
    ops.push(
      [RowOp.SIGMOID, 0, 0, 0],
      [RowOp.SIGMOID, 1, 1, 0],
      [RowOp.TANH, 2, 2, 0],
      [RowOp.SIGMOID, 3, 3, 0],
      [RowOp.LOAD, 5, 8, 0],
      [RowOp.MUL, 5, 5, 1], // f·c_prev
      [RowOp.FMA, 5, 0, 2], // + i·g
      [RowOp.STORE, 9, 5, 0],
      [RowOp.TANH, 5, 5, 0],
      [RowOp.MUL, 5, 5, 3],
      [RowOp.STORE, 10, 5, 0],
    );
    const p = program(ops, 6);
    const preS = storage(pre);
    const biasS = storage(bias);
    const c = storage(new Float32Array(batch * hidden));
    const h = storage(new Float32Array(batch * hidden));
    const operands = [preS, preS, preS, preS, biasS, biasS, biasS, biasS, storage(cPrev), c, h];
    const layout: number[] = [];
    for (let g = 0; g < 4; g++) layout.push(g * hidden, 4 * hidden, 1);
    for (let g = 0; g < 4; g++) layout.push(g * hidden, 0, 1);
    layout.push(0, hidden, 1, 0, hidden, 1, 0, hidden, 1);
    run(p, operands, layout, batch, hidden);
    const sig = (x: number) => 1 / (1 + Math.exp(-x));
    const wantC: number[] = [];
    const wantH: number[] = [];
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < hidden; j++) {
        const z = (g: number) =>
          (pre[b * 4 * hidden + g * hidden + j] as number) + (bias[g * hidden + j] as number);
        const cNew = sig(z(1)) * (cPrev[b * hidden + j] as number) + sig(z(0)) * Math.tanh(z(2));
        wantC.push(cNew);
        wantH.push(sig(z(3)) * Math.tanh(cNew));
      }
    }
    expectClose(c.array, wantC, 2e-6);
    expectClose(h.array, wantH, 2e-6);
  });

  it("rejects bad programs and layouts with where, expected and got", () => {
    use();
    const a = storage(new Float32Array(8));
    const lay = [0, 4, 1, 0, 4, 1];
    const expectError = (p: RowProgram, layout: number[], pattern: RegExp, rows = 2) => {
      expect(() => run(p, [a, storage(new Float32Array(8))], layout, rows, 4)).toThrow(TensorError);
      expect(() => run(p, [a, storage(new Float32Array(8))], layout, rows, 4)).toThrow(pattern);
    };
    expectError(
      program([[99, 0, 0, 0]], 1),
      lay,
      /instruction 0 \[99,0,0,0\]: expected an op code in 0\.\.\d+, got 99/,
    );
    expectError(
      program([[RowOp.ADD, 0, 0, 3]], 2),
      lay,
      /instruction 0 .*expected register in 0\.\.1 in field 3, got 3/,
    );
    expectError(
      program([[RowOp.CONST, 0, 1, 0]], 1, [2]),
      lay,
      /expected constant index in 0\.\.0, got 1/,
    );
    expectError(
      program([[RowOp.LOAD, 0, 2, 0]], 1),
      lay,
      /operands: expected at least 3 operands, got 2/,
    );
    expectError(
      program(
        [
          [RowOp.LOAD, 0, 0, 0],
          [RowOp.STORE, 1, 0, 0],
        ],
        1,
      ),
      [0, 4, 1, 0, 4, 0],
      /operand 1 \(STORE\): expected colStride 1, got 0/,
    );
    expectError(
      program([[RowOp.LOAD, 0, 0, 0]], 1),
      [0, 4, 2, 0, 4, 1],
      /expected colStride 0 or 1, got 2/,
    );
    expectError(
      program([[RowOp.LOAD, 0, 0, 0]], 1),
      [1, 4, 1, 0, 4, 1],
      /operand 0: expected storage of more than 8 elements .* got 8 elements/,
    );
    expectError(
      program([[RowOp.LOAD, 0, 0, 0]], 1),
      [0, 4],
      /layout: expected 3 int32 per operand \(6\), got length 2/,
    );
    expect(() =>
      run(
        { code: new Int32Array(3), constants: new Float32Array(0), registers: 1 },
        [a],
        [0, 4, 1],
        1,
        4,
      ),
    ).toThrow(/code: expected an Int32Array of 4 int32 per instruction, got length 3/);
  });

  it("runs float64 operands in float64 (no rounding to float32) and rejects mixed dtypes", () => {
    use();
    const x = [0.1, 1 / 3, -2.5e-9, 7];
    const y = [3, 1e-12, 1 / 7, -0.5];
    const f64 = (v: number[]) => {
      const s = getBackend().alloc("float64", v.length);
      (s.array as Float64Array).set(v);
      return s;
    };
    const [a, b, out] = [f64(x), f64(y), f64([0, 0, 0, 0])];
    // out = sigmoid(a) · b + a² (FMA accumulates the product without float32 rounding).
    const p = program(
      [
        [RowOp.LOAD, 0, 0, 0],
        [RowOp.LOAD, 1, 1, 0],
        [RowOp.SIGMOID, 2, 0, 0],
        [RowOp.SQUARE, 3, 0, 0],
        [RowOp.FMA, 3, 2, 1],
        [RowOp.STORE, 2, 3, 0],
      ],
      4,
    );
    run(p, [a, b, out], [0, 2, 1, 0, 2, 1, 0, 2, 1], 2, 2);
    const want = x.map((v, i) => (y[i] as number) / (1 + Math.exp(-v)) + v * v);
    const got = Array.from(out.array as Float64Array);
    got.forEach((g, i) => {
      expect(Math.abs(g - (want[i] as number))).toBeLessThanOrEqual(
        1e-15 * Math.abs(want[i] as number),
      );
    });
    expect(() => run(p, [a, storage(y), out], [0, 2, 1, 0, 2, 1, 0, 2, 1], 2, 2)).toThrow(
      /operand 1: expected float64 storage like the operands before it, got float32/,
    );
  });
});

describe.runIf(backends.includes("wasm"))("rowProgram: wasm agrees with js", () => {
  it("on a program using every op, at odd widths", () => {
    const ops: number[][] = [
      [RowOp.LOAD, 0, 0, 0],
      [RowOp.LOAD, 1, 1, 0],
      [RowOp.CONST, 2, 0, 0],
    ];
    for (const [, op] of unary) ops.push([op, 3, 0, 0], [RowOp.ADD, 2, 2, 3]);
    for (const [, op] of binary)
      ops.push([RowOp.COPY, 3, 2, 0], [op, 3, 0, 1], [RowOp.MIN, 3, 3, 2], [RowOp.ADD, 2, 2, 3]);
    ops.push(
      [RowOp.ROWSUM, 3, 2, 0],
      [RowOp.STORE, 2, 2, 0],
      [RowOp.STORE, 3, 3, 0],
      [RowOp.ACCUMULATE, 4, 2, 0],
    );
    const p = program(ops, 4, [0.25]);
    for (const width of widths) {
      const rows = 3;
      const x = random(rows * width, width, 0.1, 4);
      const y = random(rows * width, width + 1, 0.1, 4);
      const results = ["js", "wasm"].map((name) => {
        expect(
          setBackend(name).kernels.rowProgram,
          `${name} runs its own rowProgram`,
        ).toBeDefined();
        const outs = [
          storage(new Float32Array(rows * width)),
          storage(new Float32Array(rows * width)),
          storage(new Float32Array(width)),
        ];
        const lay = [0, width, 1];
        run(
          p,
          [storage(x), storage(y), ...outs],
          [...lay, ...lay, ...lay, ...lay, 0, 0, 1],
          rows,
          width,
        );
        return outs.map((s) => Float32Array.from(s.array));
      });
      for (let k = 0; k < 3; k++)
        expectClose(results[1]?.[k] as Float32Array, results[0]?.[k] as Float32Array, 2e-6);
    }
  });
});
