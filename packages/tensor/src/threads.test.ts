import { afterAll, describe, expect, it } from "vitest";
import "./backends/select.js";
import { getBackend, setBackend } from "./backend.js";
import { matMul } from "./ops/mat-mul.js";
import { Generator } from "./random.js";
import { disableThreads, enableThreads } from "./threads.js";

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
});

import { tensor } from "./ops/creation.js";

function tensorOf(data: ArrayLike<number>, shape: number[]) {
  return tensor(Float32Array.from(data), { shape });
}
