// Tests of the recurrence kernel on every built-in backend against plain loops written here:
// an Elman recurrence h_s = tanh(x_s + h_{s-1}·W) run forwards and in reverse (negative step
// strides), a program that accumulates across rows (a bias gradient), several GEMMs and
// programs per step, agreement between js and wasm, and errors for addresses out of range.

import { afterAll, describe, expect, it } from "vitest";
import { getBackend, kernel, listBackends, setBackend } from "./backend.js";
import { TensorError } from "./errors.js";
import type { Recurrence } from "./recurrence.js";
import { RowOp } from "./row-program.js";
import type { Storage } from "./storage.js";
import { seededFloat32 } from "./testing/reference.js";

const initial = getBackend().name;
afterAll(() => {
  setBackend(initial);
});
const backends = ["js", "wasm"].filter((name) => listBackends().includes(name));

/** Test data from the suites' shared seeded source, as float32. */
const random = (count: number, seed: number, low = -1, high = 1) =>
  seededFloat32(seed, count, low, high);

function storage(values: ArrayLike<number>): Storage {
  const s = getBackend().alloc("float32", Math.max(values.length, 1));
  (s.array as Float32Array).set(values);
  return s;
}

/** h_s = tanh(x_t(s) + h_{s-1}·W) in float64, t(s) = s or T−1−s; returns [h_0 … h_T] flat. */
function elman(
  x: Float32Array,
  w: Float32Array,
  h0: Float32Array,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
) {
  const out = new Float64Array((T + 1) * B * H);
  out.set(h0);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        let acc = x[(t * B + b) * H + j] as number;
        for (let k = 0; k < H; k++)
          acc += (out[(s * B + b) * H + k] as number) * (w[k * H + j] as number);
        out[((s + 1) * B + b) * H + j] = Math.tanh(acc);
      }
    }
  }
  return out;
}

const elmanProgram = {
  // r0 = pre; r1 = x; r0 = r0 + r1; r0 = tanh r0; store h
  code: Int32Array.from(
    [
      [RowOp.LOAD, 0, 0, 0],
      [RowOp.LOAD, 1, 1, 0],
      [RowOp.ADD, 0, 0, 1],
      [RowOp.TANH, 0, 0, 0],
      [RowOp.STORE, 2, 0, 0],
    ].flat(),
  ),
  constants: new Float32Array(0),
  registers: 2,
};

describe.each(backends)("recurrence on %s", (name) => {
  const use = () => setBackend(name);

  it.each([false, true])("runs an Elman recurrence step after step (reverse %s)", (reverse) => {
    use();
    const [T, B, H] = [7, 5, 13];
    const x = random(T * B * H, 1);
    const w = random(H * H, 2).map((v) => v * 0.3);
    const h0 = random(B * H, 3);
    const xs = storage(x);
    const hs = storage(new Float32Array((T + 1) * B * H));
    (hs.array as Float32Array).set(h0);
    const pre = storage(new Float32Array(B * H));
    const ws = storage(w);
    const packed = kernel("packB")(
      { storage: ws, dtype: "float32", shape: [H, H], strides: [H, 1], offset: 0 },
      false,
    );
    const spec: Recurrence = {
      steps: T,
      rows: B,
      ops: [
        {
          kind: "gemm",
          a: { operand: 1, offset: 0, stepStride: B * H, rowStride: H, colStride: 1 },
          b: packed,
          out: { operand: 2, offset: 0, stepStride: 0, rowStride: H, colStride: 1 },
          beta: 0,
        },
        {
          kind: "program",
          program: elmanProgram,
          operands: [
            { operand: 2, offset: 0, stepStride: 0, rowStride: H, colStride: 1 },
            reverse
              ? {
                  operand: 0,
                  offset: (T - 1) * B * H,
                  stepStride: -B * H,
                  rowStride: H,
                  colStride: 1,
                }
              : { operand: 0, offset: 0, stepStride: B * H, rowStride: H, colStride: 1 },
            { operand: 1, offset: B * H, stepStride: B * H, rowStride: H, colStride: 1 },
          ],
          width: H,
        },
      ],
    };
    kernel("recurrence")(spec, [xs, hs, pre]);
    packed.dispose();
    const want = elman(x, w, h0, T, B, H, reverse);
    const got = hs.array as Float32Array;
    for (let i = 0; i < want.length; i++) {
      expect(Math.abs((got[i] as number) - (want[i] as number)), `element ${i}`).toBeLessThan(2e-5);
    }
  });

  it("accumulates across rows into a broadcast operand (a bias gradient) over every step", () => {
    use();
    const [T, B, H] = [4, 6, 9];
    const g = random(T * B * H, 5);
    const gs = storage(g);
    const bias = storage(new Float32Array(H));
    const program = {
      code: Int32Array.from(
        [
          [RowOp.LOAD, 0, 0, 0],
          [RowOp.ACCUMULATE, 1, 0, 0],
        ].flat(),
      ),
      constants: new Float32Array(0),
      registers: 1,
    };
    kernel("recurrence")(
      {
        steps: T,
        rows: B,
        ops: [
          {
            kind: "program",
            program,
            operands: [
              { operand: 0, offset: 0, stepStride: B * H, rowStride: H, colStride: 1 },
              { operand: 1, offset: 0, stepStride: 0, rowStride: 0, colStride: 1 },
            ],
            width: H,
          },
        ],
      },
      [gs, bias],
    );
    const got = bias.array as Float32Array;
    for (let j = 0; j < H; j++) {
      let want = 0;
      for (let r = 0; r < T * B; r++) want += g[r * H + j] as number;
      expect(Math.abs((got[j] as number) - want)).toBeLessThan(1e-5);
    }
  });

  it("rejects an address that leaves its storage, naming the op, before any work", () => {
    use();
    const a = storage(new Float32Array(10));
    const spec: Recurrence = {
      steps: 3,
      rows: 2,
      ops: [
        {
          kind: "program",
          program: elmanProgram,
          operands: [
            { operand: 0, offset: 0, stepStride: 4, rowStride: 2, colStride: 1 },
            { operand: 0, offset: 0, stepStride: 0, rowStride: 2, colStride: 1 },
            { operand: 0, offset: 0, stepStride: 0, rowStride: 2, colStride: 1 },
          ],
          width: 2,
        },
      ],
    };
    expect(() => kernel("recurrence")(spec, [a])).toThrow(TensorError);
    expect(() => kernel("recurrence")(spec, [a])).toThrow(
      /recurrence: op 0 \(program\) operand 0: expected elements 0\.\.9 of operand 0 .* got elements 0\.\.11/,
    );
    expect(Array.from(a.array as Float32Array)).toEqual(new Array(10).fill(0));
  });
});
