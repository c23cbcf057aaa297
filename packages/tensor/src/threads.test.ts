import { afterAll, describe, expect, it } from "vitest";
import { getBackend, kernel, setBackend } from "./backend.js";
import type { WasmBackend } from "./backends/wasm/backend.js";
import { rowBlocks } from "./backends/wasm/parallel.js";
import { matMul } from "./ops/mat-mul.js";
import { Generator } from "./random.js";
import { RowOp } from "./row-program.js";
import { disableThreads, enableThreads, threadsReady } from "./threads.js";

describe("worker threads", () => {
  afterAll(async () => {
    await disableThreads();
    setBackend("wasm");
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])("split GEMMs equal the one-thread result (ta %s, tb %s)", (transposeA, transposeB) => {
    const rng = new Generator(11);
    const [m, k, n] = [70, 300, 517]; // large enough to split, edges in every block
    const aData = rng.uniform(transposeA ? [k, m] : [m, k], -1, 1).toTypedArray();
    const bData = rng.uniform(transposeB ? [n, k] : [k, n], -1, 1).toTypedArray();
    setBackend("wasm");
    const single = matMul(
      tensorOf(aData, transposeA ? [k, m] : [m, k]),
      tensorOf(bData, transposeB ? [n, k] : [k, n]),
      { transposeA, transposeB },
    ).toTypedArray();
    enableThreads({ threads: 2 });
    expect(getBackend().name).toBe("wasm-threads");
    const split = matMul(
      tensorOf(aData, transposeA ? [k, m] : [m, k]),
      tensorOf(bData, transposeB ? [n, k] : [k, n]),
      { transposeA, transposeB },
    ).toTypedArray();
    // The same kernel on the same blocks: identical results.
    expect(Array.from(split)).toEqual(Array.from(single));
  });

  it.each([false, true])(
    "the generic recurrence split by rows equals the one-thread result (sums across rows %s)",
    (acrossRows) => {
      // h_s = tanh(x_s + h_{s-1}·W) over 10 rows (8 + 2), hidden 66 (scalar tails); with
      // acrossRows, a program also sums every h into one row (which keeps it on one thread).
      const [T, B, H] = [25, 10, 66];
      const run = () => {
        const backend = getBackend();
        const fill = (values: Float32Array) => {
          const s = backend.alloc("float32", values.length);
          (s.array as Float32Array).set(values);
          return s;
        };
        const rng = new Generator(5);
        const x = fill(rng.uniform([T * B * H], -1, 1).toTypedArray() as Float32Array);
        const h = fill(new Float32Array((T + 1) * B * H));
        const pre = fill(new Float32Array(B * H));
        const total = fill(new Float32Array(H));
        const w = fill(rng.uniform([H * H], -0.2, 0.2).toTypedArray() as Float32Array);
        const packed = kernel("packB")(
          { storage: w, dtype: "float32", shape: [H, H], strides: [H, 1], offset: 0 },
          false,
        );
        const rows = (operand: number, offset: number, stepStride: number) =>
          ({ operand, offset, stepStride, rowStride: H, colStride: 1 }) as const;
        const code = [
          [RowOp.LOAD, 0, 0, 0],
          [RowOp.LOAD, 1, 1, 0],
          [RowOp.ADD, 0, 0, 1],
          [RowOp.TANH, 0, 0, 0],
          [RowOp.STORE, 2, 0, 0],
          ...(acrossRows ? [[RowOp.ACCUMULATE, 3, 0, 0]] : []),
        ];
        kernel("recurrence")(
          {
            steps: T,
            rows: B,
            ops: [
              { kind: "gemm", a: rows(1, 0, B * H), b: packed, out: rows(2, 0, 0), beta: 0 },
              {
                kind: "program",
                program: {
                  code: Int32Array.from(code.flat()),
                  constants: new Float32Array(0),
                  registers: 2,
                },
                operands: [
                  rows(2, 0, 0),
                  rows(0, 0, B * H),
                  rows(1, B * H, B * H),
                  { operand: 3, offset: 0, stepStride: 0, rowStride: 0, colStride: 1 },
                ],
                width: H,
              },
            ],
          },
          [x, h, pre, total],
        );
        packed.dispose();
        return {
          h: Array.from(h.array as Float32Array),
          total: Array.from(total.array as Float32Array),
        };
      };
      setBackend("wasm");
      const single = run();
      enableThreads({ threads: 2 });
      expect(getBackend().name).toBe("wasm-threads");
      const split = run();
      expect(split.h).toEqual(single.h);
      // Each block of rows sums into its own copy, added after: equal up to float rounding.
      split.total.forEach((v, j) => {
        const want = single.total[j] as number;
        expect(Math.abs(v - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      });
      if (acrossRows) expect(single.total.some((v) => v !== 0)).toBe(true);
    },
  );

  it("a worker's trap is an error on the calling thread, and the pool keeps working", () => {
    const backend = enableThreads({ threads: 2 }) as WasmBackend;
    // The worker's block gets a descriptor far past the end of memory; the caller's one of no ops.
    const desc = backend.allocBytes(16);
    new Int32Array(backend.linearMemory.buffer, desc, 4).fill(0);
    const far = 2 ** 31 - 64;
    expect(() =>
      backend.splitRows(8, 2 ** 30, true, 0, (row0, rows, w, part) => [
        part === 0 ? desc : far,
        1,
        row0,
        rows,
        w,
        0,
        0,
      ]),
    ).toThrow("threads: 1 worker(s) failed running recurrence (a WebAssembly trap)");
    backend.freeBytes(desc, 16);
    const rng = new Generator(5);
    const a = rng.uniform([64, 300], -1, 1);
    const b = rng.uniform([300, 600], -1, 1);
    const split = matMul(a, b).toTypedArray();
    setBackend("wasm");
    const single = matMul(
      tensorOf(a.toTypedArray(), [64, 300]),
      tensorOf(b.toTypedArray(), [300, 600]),
    );
    expect(Array.from(split)).toEqual(Array.from(single.toTypedArray()));
  });

  it("threadsReady counts the threads running: the caller and each started worker", async () => {
    await disableThreads();
    expect(await threadsReady()).toBe(1);
    enableThreads({ threads: 3 });
    expect(await threadsReady()).toBe(3);
    await disableThreads();
    expect(await threadsReady()).toBe(1);
  });

  it("row blocks cover the batch in multiples of 4 rows, one per thread at most", () => {
    expect(rowBlocks(32, 2)).toEqual([
      [0, 16],
      [16, 16],
    ]);
    expect(rowBlocks(10, 2)).toEqual([
      [0, 8],
      [8, 2],
    ]);
    expect(rowBlocks(10, 3)).toEqual([
      [0, 4],
      [4, 4],
      [8, 2],
    ]);
    expect(rowBlocks(3, 4)).toEqual([[0, 3]]);
    expect(rowBlocks(1, 2)).toEqual([[0, 1]]);
    for (let batch = 1; batch <= 40; batch++) {
      for (let threads = 1; threads <= 5; threads++) {
        const blocks = rowBlocks(batch, threads);
        expect(blocks.length).toBeLessThanOrEqual(threads);
        let row = 0;
        for (const [row0, rows] of blocks) {
          expect(row0).toBe(row);
          expect(rows).toBeGreaterThan(0);
          row += rows;
        }
        expect(row).toBe(batch);
        expect(blocks.slice(0, -1).every(([, rows]) => rows % 4 === 0)).toBe(true);
      }
    }
  });
});

import { tensor } from "./ops/creation.js";

function tensorOf(data: ArrayLike<number>, shape: number[]) {
  return tensor(Float32Array.from(data), { shape });
}
