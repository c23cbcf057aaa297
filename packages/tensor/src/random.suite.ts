import { describe, expect, it } from "vitest";
import { Generator, type Tensor, tensor } from "./index.js";

const values = (t: Tensor) => Array.from(t.data());

const M32 = (1n << 32n) - 1n;
const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M32;

/** xoshiro128** (Blackman & Vigna) with its state filled by an fmix32 counter. */
function referenceStream(seed: number, count: number): number[] {
  let x = BigInt(seed >>> 0);
  const expand = () => {
    x = (x + 0x9e3779b9n) & M32;
    let z = x;
    z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
    z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
    return z ^ (z >> 16n);
  };
  const s = [expand(), expand(), expand(), expand()] as [bigint, bigint, bigint, bigint];
  if ((s[0] | s[1] | s[2] | s[3]) === 0n) s[0] = 1n;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s[1] * 5n) & M32, 7n) * 9n) & M32));
    const t = (s[1] << 9n) & M32;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11n);
  }
  return out;
}

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

/**
 * Statistical tolerances: a sample mean of n draws with variance σ² has
 * standard error σ/√n; we allow 5 standard errors (false failure rate
 * about 6e-7 per check, and the seeds are fixed anyway).
 */
const Z = 5;

/** The seeded generator: exact streams, state, distributions; run per backend by ops.test.ts. */
export function randomSuite(_backend: string): void {
  describe("determinism", () => {
    it("the same seed gives the same numbers; another seed does not", () => {
      const a = new Generator(42);
      const b = new Generator(42);
      const c = new Generator(43);
      const xa = values(a.uniform([64]));
      expect(values(b.uniform([64]))).toEqual(xa);
      expect(values(c.uniform([64]))).not.toEqual(xa);
      expect(values(a.normal([9]))).toEqual(values(b.normal([9])));
    });

    it.each([0, 1, 42, 2 ** 32 - 1])(
      "seed %i: the stream is xoshiro128** seeded by the golden-ratio fmix32 expansion",
      (seed) => {
        // An independent BigInt transcription of the published algorithms: if
        // this fails, every seeded experiment has changed.
        const g = new Generator(seed);
        const want = referenceStream(seed, 8);
        expect(Array.from({ length: 8 }, () => g.nextUint32())).toEqual(want);
        // nextFloat: 27 high bits of one draw and 26 of the next, over 2^53.
        const h = new Generator(seed);
        const [a, b] = referenceStream(seed, 2) as [number, number];
        expect(h.nextFloat()).toBe(((a >>> 5) * 2 ** 26 + (b >>> 6)) / 2 ** 53);
      },
    );

    it("normal() is Box–Muller on that stream, using both values of each pair", () => {
      const words = referenceStream(9, 8);
      const floats = [0, 2, 4, 6].map(
        (i) =>
          (((words[i] as number) >>> 5) * 2 ** 26 + ((words[i + 1] as number) >>> 6)) / 2 ** 53,
      );
      const want: number[] = [];
      for (let i = 0; i < 4; i += 2) {
        const r = Math.sqrt(-2 * Math.log(floats[i] as number));
        const theta = 2 * Math.PI * (floats[i + 1] as number);
        want.push(r * Math.cos(theta), r * Math.sin(theta));
      }
      expect(values(new Generator(9).normal([4], 0, 1, "float64"))).toEqual(want);
    });

    it("seed() restarts a stream", () => {
      const g = new Generator(7);
      const first = values(g.uniform([5]));
      g.seed(7);
      expect(values(g.uniform([5]))).toEqual(first);
    });

    it("getState/setState resumes the exact stream, including a pending normal", () => {
      const g = new Generator(3);
      g.normal([3]); // an odd count leaves a spare Box–Muller value
      const saved = g.getState();
      const next = [...values(g.normal([5])), ...values(g.uniform([4])), g.nextUint32()];
      const h = new Generator(999).setState(saved);
      expect([...values(h.normal([5])), ...values(h.uniform([4])), h.nextUint32()]).toEqual(next);
      // The state survives JSON (a checkpoint).
      const k = new Generator().setState(JSON.parse(JSON.stringify(saved)));
      expect(values(k.normal([5]))).toEqual(next.slice(0, 5));
    });

    it("the same numbers whatever the backend or dtype (bits come from the generator)", () => {
      const a = values(new Generator(5).uniform([6], 0, 1, "float64"));
      const b = values(new Generator(5).uniform([6], 0, 1, "float32"));
      expect(b).toEqual(a.map(Math.fround));
    });
  });

  describe("distributions", () => {
    const n = 20000;

    it("uniform(low, high): in range, mean (a+b)/2, variance (b−a)²/12", () => {
      const xs = values(new Generator(11).uniform([n], -2, 6, "float64"));
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(-2);
      expect(Math.max(...xs)).toBeLessThan(6);
      const { mean, variance } = moments(xs);
      const sigma2 = 64 / 12;
      expect(Math.abs(mean - 2)).toBeLessThan(Z * Math.sqrt(sigma2 / n));
      // Var of the sample variance of a uniform: (μ4 − σ⁴)/n with μ4 = (b−a)⁴/80.
      expect(Math.abs(variance - sigma2)).toBeLessThan(
        Z * Math.sqrt((8 ** 4 / 80 - sigma2 ** 2) / n),
      );
    });

    it("normal(mean, std): moments and a symmetric, light tail", () => {
      const xs = values(new Generator(12).normal([n], 1.5, 2, "float64"));
      const { mean, variance } = moments(xs);
      expect(Math.abs(mean - 1.5)).toBeLessThan(Z * Math.sqrt(4 / n));
      // Var of the sample variance of a normal: 2σ⁴/(n−1).
      expect(Math.abs(variance - 4)).toBeLessThan(Z * Math.sqrt((2 * 16) / (n - 1)));
      const within1 = xs.filter((x) => Math.abs(x - 1.5) < 2).length / n;
      expect(Math.abs(within1 - 0.6827)).toBeLessThan(Z * Math.sqrt((0.6827 * 0.3173) / n));
    });

    it("bernoulli(p): only 0 and 1, mean p", () => {
      const xs = values(new Generator(13).bernoulli([n], 0.3));
      expect(xs.every((x) => x === 0 || x === 1)).toBe(true);
      const mean = xs.reduce((s, x) => s + x, 0) / n;
      expect(Math.abs(mean - 0.3)).toBeLessThan(Z * Math.sqrt((0.3 * 0.7) / n));
      expect(values(new Generator(1).bernoulli([50], 0)).every((x) => x === 0)).toBe(true);
      expect(values(new Generator(1).bernoulli([50], 1)).every((x) => x === 1)).toBe(true);
    });

    it("categorical: frequencies follow the (unnormalised) weights; zero weight never drawn", () => {
      const weights = [1, 0, 3, 6];
      const total = 10;
      const draws = new Generator(14).categorical(tensor([weights]), n);
      expect(draws.dtype).toBe("int32");
      expect(draws.shape).toEqual([1, n]);
      const counts = [0, 0, 0, 0];
      for (const d of values(draws)) counts[d] = (counts[d] as number) + 1;
      expect(counts[1]).toBe(0);
      weights.forEach((w, k) => {
        const p = w / total;
        expect(Math.abs((counts[k] as number) / n - p), `category ${k}`).toBeLessThanOrEqual(
          Z * Math.sqrt((p * (1 - p)) / n),
        );
      });
    });

    it("categorical draws each row from its own weights", () => {
      const probs = tensor([
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ]);
      expect(new Generator(2).categorical(probs, 4).toArray()).toEqual([
        [0, 0, 0, 0],
        [2, 2, 2, 2],
        [1, 1, 1, 1],
      ]);
    });

    it("randint: integers in [low, high), every value hit", () => {
      const xs = values(new Generator(15).randint([2000], -3, 4));
      expect(xs.every((x) => Number.isInteger(x) && x >= -3 && x < 4)).toBe(true);
      expect(new Set(xs).size).toBe(7);
    });

    it("permutation is a permutation of 0..n−1, and shuffles", () => {
      const g = new Generator(16);
      for (const size of [0, 1, 2, 10, 257]) {
        const p = values(g.permutation(size));
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
      }
      const p = values(g.permutation(50));
      expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it("permutation: every position is uniform over values (n = 4, 2400 draws)", () => {
      const g = new Generator(17);
      const draws = 2400;
      const counts = new Array<number>(16).fill(0);
      for (let i = 0; i < draws; i++) {
        const p = values(g.permutation(4));
        p.forEach((v, pos) => {
          counts[pos * 4 + v] = (counts[pos * 4 + v] as number) + 1;
        });
      }
      const sd = Math.sqrt(draws * 0.25 * 0.75);
      for (const c of counts) expect(Math.abs(c - draws / 4)).toBeLessThan(Z * sd);
    });
  });
}
