// Tests of the wasm sgemm/dgemm kernels against a naive float64 reference: all four transpose
// combinations, edge sizes around the 4×8 register tile, sizes that cross every cache block
// (KC, MC, NC), alpha/beta variants (beta = 0 must ignore NaN in C, beta = 1 accumulates),
// padded leading dimensions, misaligned pointers, and no writes outside C.

import { describe, expect, it } from "vitest";
import { instantiateKernels, type WasmKernels } from "./kernels.js";

const memory = new WebAssembly.Memory({ initial: 256 }); // 16 MiB, grown on demand
const kernels: WasmKernels = instantiateKernels(memory);

/** Seeded uniform [-1, 1) generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** Bump allocator over the shared memory; reset per case. `skew` misaligns by whole elements. */
class Heap {
  private top = 0;
  reset(): void {
    this.top = Math.ceil(kernels.heapBase / 64) * 64;
  }
  alloc(bytes: number, skew = 0): number {
    const ptr = Math.ceil(this.top / 64) * 64 + skew;
    this.top = ptr + bytes + 64;
    const needed = this.top - memory.buffer.byteLength;
    if (needed > 0) memory.grow(Math.ceil(needed / 65536));
    return ptr;
  }
}
const heap = new Heap();

type Precision = "f32" | "f64";

interface Case {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  /** Extra elements per row beyond the logical width, for lda, ldb, ldc. */
  pad?: [number, number, number];
  /** Misalign a, b, c by this many elements. */
  skew?: number;
  seed: number;
  /** Harness self-test: damages the result before it is checked. */
  corrupt?: (c: Float32Array | Float64Array) => void;
}

/**
 * Runs one GEMM and returns the worst ratio |C − ref| / tolerance (≤ 1 passes), after also
 * checking that the padding after each row of C and a guard after C are untouched.
 */
function runCase(precision: Precision, testCase: Case): number {
  const { transA, transB, m, n, k, alpha, beta, seed } = testCase;
  const [padA, padB, padC] = testCase.pad ?? [0, 0, 0];
  const skew = testCase.skew ?? 0;
  const size = precision === "f32" ? 4 : 8;
  const View = precision === "f32" ? Float32Array : Float64Array;
  const rnd = random(seed);
  heap.reset();

  // Storage shapes: A is [m,k] or, transposed, [k,m]; B is [k,n] or [n,k].
  const aRows = transA ? k : m;
  const lda = (transA ? m : k) + padA;
  const bRows = transB ? n : k;
  const ldb = (transB ? k : n) + padB;
  const ldc = n + padC;
  const guard = 8;
  const aPtr = heap.alloc(aRows * lda * size, skew * size);
  const bPtr = heap.alloc(bRows * ldb * size, skew * size);
  const cPtr = heap.alloc((m * ldc + guard) * size, skew * size);
  const workBytes =
    precision === "f32" ? kernels.sgemmWorkBytes(m, n, k) : kernels.dgemmWorkBytes(m, n, k);
  const work = heap.alloc(workBytes);

  const a = new View(memory.buffer, aPtr, aRows * lda);
  const b = new View(memory.buffer, bPtr, bRows * ldb);
  const c = new View(memory.buffer, cPtr, m * ldc + guard);
  for (let i = 0; i < a.length; i++) a[i] = rnd();
  for (let i = 0; i < b.length; i++) b[i] = rnd();
  // With beta = 0 the old C is NaN garbage that must not leak into the result.
  for (let i = 0; i < c.length; i++) c[i] = beta === 0 ? Number.NaN : rnd();
  const cBefore = c.slice();

  // Dense float64 copies of op(A) [m,k] and op(B)ᵀ [n,k], so the reference loop is fast.
  const opA = new Float64Array(m * k);
  const opBt = new Float64Array(n * k);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++)
      opA[i * k + p] = (transA ? a[p * lda + i] : a[i * lda + p]) as number;
  }
  for (let j = 0; j < n; j++) {
    for (let p = 0; p < k; p++)
      opBt[j * k + p] = (transB ? b[j * ldb + p] : b[p * ldb + j]) as number;
  }

  const gemm = precision === "f32" ? kernels.sgemm : kernels.dgemm;
  gemm(+transA, +transB, m, n, k, alpha, aPtr, lda, bPtr, ldb, beta, cPtr, ldc, work);
  testCase.corrupt?.(c);

  // Rounding bound for a length-k dot product plus the beta term: (k + 2) units of roundoff
  // (with margin) times the magnitude Σ|alpha·a·b| + |beta·c|.
  const unit = precision === "f32" ? 2e-7 : 4e-16;
  const alphaUsed = precision === "f32" ? Math.fround(alpha) : alpha;
  const betaUsed = precision === "f32" ? Math.fround(beta) : beta;
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      let magnitude = 0;
      for (let p = 0; p < k; p++) {
        const term = (opA[i * k + p] as number) * (opBt[j * k + p] as number);
        dot += term;
        magnitude += Math.abs(term);
      }
      const old = cBefore[i * ldc + j] as number;
      const expected = alphaUsed * dot + (betaUsed === 0 ? 0 : betaUsed * old);
      const scale =
        Math.abs(alphaUsed) * magnitude + (betaUsed === 0 ? 0 : Math.abs(betaUsed * old));
      const tolerance = unit * (k + 2) * scale + Number.MIN_VALUE;
      const got = c[i * ldc + j] as number;
      if (!Number.isFinite(got)) return Number.POSITIVE_INFINITY;
      worst = Math.max(worst, Math.abs(got - expected) / tolerance);
    }
    for (let j = n; j < ldc; j++) {
      if (!Object.is(c[i * ldc + j], cBefore[i * ldc + j])) return Number.POSITIVE_INFINITY;
    }
  }
  for (let g = m * ldc; g < c.length; g++) {
    if (!Object.is(c[g], cBefore[g])) return Number.POSITIVE_INFINITY;
  }
  return worst;
}

const edgeSizes = [0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 100];
const transposes: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];
const label = ([ta, tb]: [boolean, boolean]) => `${ta ? "T" : "N"}${tb ? "T" : "N"}`;

describe.each(["f32", "f64"] as const)("%s gemm", (precision) => {
  describe.each(transposes)("transA=%s transB=%s", (transA, transB) => {
    it("matches the float64 reference for every m, n, k in the edge-size set (beta = 0 over NaN)", () => {
      const failures: string[] = [];
      let seed = 1;
      for (const m of edgeSizes) {
        for (const n of edgeSizes) {
          for (const k of edgeSizes) {
            const worst = runCase(precision, {
              transA,
              transB,
              m,
              n,
              k,
              alpha: 1,
              beta: 0,
              seed: seed++,
            });
            if (!(worst <= 1)) failures.push(`m=${m} n=${n} k=${k}: ${worst}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it("handles alpha/beta variants, padded leading dimensions and misaligned pointers", () => {
      const rnd = random(label([transA, transB]).charCodeAt(0) + 77);
      const pick = () => edgeSizes[Math.floor(((rnd() + 1) / 2) * edgeSizes.length)] as number;
      const variants: [number, number][] = [
        [1, 1],
        [0.5, 1],
        [-2, 0.25],
        [1.5, -1],
        [0, 0.5],
        [0, 0],
        [0.75, 0],
      ];
      const failures: string[] = [];
      for (let trial = 0; trial < 60; trial++) {
        const [alpha, beta] = variants[trial % variants.length] as [number, number];
        const testCase: Case = {
          transA,
          transB,
          m: pick(),
          n: pick(),
          k: pick(),
          alpha,
          beta,
          pad: [trial % 5, (trial * 3) % 7, (trial * 2) % 9],
          skew: trial % 3 === 0 ? 1 : 0,
          seed: 1000 + trial,
        };
        const worst = runCase(precision, testCase);
        if (!(worst <= 1)) failures.push(`${JSON.stringify(testCase)}: ${worst}`);
      }
      expect(failures).toEqual([]);
    });

    it("crosses the KC, MC and NC cache blocks (accumulating across k blocks)", () => {
      const shapes: [number, number, number][] = [
        [130, 70, 600],
        [257, 33, 513],
        [5, 4100, 3],
        [129, 9, 257],
        [32, 1030, 300],
      ];
      for (const [m, n, k] of shapes) {
        for (const [alpha, beta] of [
          [1, 0],
          [0.5, 1],
        ] as const) {
          const worst = runCase(precision, {
            transA,
            transB,
            m,
            n,
            k,
            alpha,
            beta,
            pad: [3, 1, 2],
            seed: m + n + k,
          });
          expect(worst, `m=${m} n=${n} k=${k} alpha=${alpha} beta=${beta}`).toBeLessThanOrEqual(1);
        }
      }
    });
  });

  it("k = 0 scales C by beta, and beta = 0 clears NaN", () => {
    for (const beta of [0, 1, -0.5]) {
      expect(
        runCase(precision, {
          transA: false,
          transB: false,
          m: 9,
          n: 13,
          k: 0,
          alpha: 1,
          beta,
          seed: 5,
        }),
      ).toBeLessThanOrEqual(1);
    }
  });

  it("the harness catches a result that is off by one dropped term", () => {
    const base: Case = {
      transA: false,
      transB: true,
      m: 7,
      n: 9,
      k: 100,
      alpha: 1,
      beta: 0,
      seed: 9,
    };
    expect(runCase(precision, base)).toBeLessThanOrEqual(1);
    // Perturb one element by a relative 1e-4 of a typical term: must be reported.
    const worst = runCase(precision, {
      ...base,
      corrupt: (c) => {
        c[5 * 9 + 4] = (c[5 * 9 + 4] as number) + 1e-3;
      },
    });
    expect(worst).toBeGreaterThan(1);
    // And a write into the padding past a row of C.
    const padded = runCase(precision, {
      ...base,
      pad: [0, 0, 2],
      corrupt: (c) => {
        c[9] = 0;
      },
    });
    expect(padded).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("sgemmWorkBytes", () => {
  it("is zero for empty products and grows with the blocks", () => {
    expect(kernels.sgemmWorkBytes(0, 5, 5)).toBe(0);
    expect(kernels.sgemmWorkBytes(5, 5, 0)).toBe(0);
    const small = kernels.sgemmWorkBytes(4, 8, 16);
    expect(small).toBeGreaterThan(0);
    expect(small % 16).toBe(0);
    expect(kernels.sgemmWorkBytes(1024, 1024, 1024)).toBeGreaterThan(small);
    // Bounded by the cache blocks, not by the matrix sizes.
    expect(kernels.sgemmWorkBytes(100000, 100000, 100000)).toBeLessThan(8 * 1024 * 1024);
  });
});

describe("sgemmPackedB (op(B) packed once, as the recurrences use it)", () => {
  it.each([
    [false, 5, 8, 7],
    [true, 5, 8, 7],
    [false, 13, 33, 300], // k over one KC block, n with a partial sliver
    [true, 32, 1024, 256], // the W2 forward step shape
    [false, 32, 256, 1024], // the W2 backward step shape
    [true, 3, 4100, 20], // n over one NC block
  ])("transB %s, m %i, n %i, k %i: identical to sgemm", (transB, m, n, k) => {
    heap.reset();
    const next = random(m * 31 + n * 7 + k);
    const fill = (count: number) => {
      const ptr = heap.alloc(count * 4);
      const view = new Float32Array(memory.buffer, ptr, count);
      for (let i = 0; i < count; i++) view[i] = next();
      return ptr;
    };
    const a = fill(m * k);
    const b = fill(n * k);
    const cPlain = fill(m * n);
    const cPacked = heap.alloc(m * n * 4);
    new Float32Array(memory.buffer, cPacked, m * n).set(
      new Float32Array(memory.buffer, cPlain, m * n),
    );
    const work = heap.alloc(kernels.sgemmWorkBytes(m, n, k));
    const ldb = transB ? k : n;
    kernels.sgemm(0, transB ? 1 : 0, m, n, k, 0.5, a, k, b, ldb, 1, cPlain, n, work);
    const packedBytes = kernels.packedBBytes(n, k);
    expect(packedBytes).toBeGreaterThanOrEqual(n * k * 4);
    const packed = heap.alloc(packedBytes + 64);
    const guard = new Float32Array(memory.buffer, packed + packedBytes, 1);
    guard[0] = 4321;
    kernels.packWholeB(transB ? 1 : 0, n, k, b, ldb, packed);
    expect(guard[0]).toBe(4321); // nothing written past packedBBytes
    kernels.sgemmPackedB(0, m, n, k, 0.5, a, k, packed, 1, cPacked, n, work);
    const want = new Float32Array(memory.buffer, cPlain, m * n);
    const got = new Float32Array(memory.buffer, cPacked, m * n);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
