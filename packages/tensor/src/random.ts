/**
 * Seeded random numbers through an explicit generator, never Math.random.
 * xoshiro128** (32-bit integer arithmetic with Math.imul and >>> only), so
 * the same seed gives the same numbers in Node and in every browser; its
 * state is four 32-bit words that save and restore exactly (checkpoints).
 */
import type { DType } from "./dtype.js";
import { check, fmt } from "./errors.js";
import { empty } from "./ops/util.js";
import type { Shape } from "./shape.js";
import type { Tensor } from "./tensor.js";

export type GeneratorState = readonly [number, number, number, number];

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** A second normal from the last Box–Muller pair, or null. */
  private spare: number | null = null;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Reset to the stream of `seed` (any integer; expanded with splitmix32). */
  seed(seed: number): this {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
    return this;
  }

  /** The full state, to save in a checkpoint. */
  getState(): { words: GeneratorState; spare: number | null } {
    return { words: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  setState(state: { words: GeneratorState; spare: number | null }): this {
    [this.s0, this.s1, this.s2, this.s3] = state.words.map((w) => w >>> 0) as [
      number,
      number,
      number,
      number,
    ];
    this.spare = state.spare;
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, both values used). */
  nextNormal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    check(
      Number.isInteger(n) && n > 0 && n <= 2 ** 32,
      "ARGUMENT",
      () => `randint: n must be an integer in 1..2^32, got ${n}`,
    );
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Uniform in [low, high). */
  uniform(shape: Shape, low = 0, high = 1, dtype: DType = "float32"): Tensor {
    return this.fill(shape, dtype, () => low + (high - low) * this.nextFloat());
  }

  /** Normal with the given mean and standard deviation. */
  normal(shape: Shape, mean = 0, std = 1, dtype: DType = "float32"): Tensor {
    return this.fill(shape, dtype, () => mean + std * this.nextNormal());
  }

  /** 1 with probability p, else 0. */
  bernoulli(shape: Shape, p = 0.5, dtype: DType = "float32"): Tensor {
    check(p >= 0 && p <= 1, "ARGUMENT", () => `bernoulli: p must be in [0, 1], got ${p}`);
    return this.fill(shape, dtype, () => (this.nextFloat() < p ? 1 : 0));
  }

  /** Uniform integers in [low, high), int32. */
  randint(shape: Shape, low: number, high: number): Tensor {
    check(
      high > low,
      "ARGUMENT",
      () => `randint: high must be > low, got low ${low} and high ${high}`,
    );
    return this.fill(shape, "int32", () => low + this.nextInt(high - low));
  }

  /**
   * Draw `samples` category indices per row of `probs` ([..., K], each row
   * non-negative, not necessarily normalised); int32 [..., samples].
   */
  categorical(probs: Tensor, samples = 1): Tensor {
    check(
      probs.rank >= 1,
      "SHAPE",
      () => `categorical: probs must have at least one axis, got ${fmt(probs.shape)}`,
    );
    probs.assertLive("categorical");
    const k = probs.shape[probs.rank - 1] as number;
    check(k > 0, "SHAPE", () => {
      return `categorical: probs must have at least one category on its last axis, got ${fmt(probs.shape)}`;
    });
    const rows = probs.size / k;
    const p = probs.data();
    const out = empty([...probs.shape.slice(0, -1), samples], "int32");
    const array = out.storage.array;
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let j = 0; j < k; j++) {
        const v = p[r * k + j] as number;
        check(
          v >= 0 && Number.isFinite(v),
          "ARGUMENT",
          () => `categorical: probabilities must be finite and >= 0, got ${v} in row ${r}`,
        );
        total += v;
      }
      check(total > 0, "ARGUMENT", () => `categorical: row ${r} of probs sums to 0`);
      for (let s = 0; s < samples; s++) {
        const u = this.nextFloat() * total;
        let acc = 0;
        let pick = k - 1;
        for (let j = 0; j < k; j++) {
          acc += p[r * k + j] as number;
          if (u < acc) {
            pick = j;
            break;
          }
        }
        array[r * samples + s] = pick;
      }
    }
    return out;
  }

  /** A random permutation of 0..n-1 (Fisher–Yates), int32. */
  permutation(n: number): Tensor {
    check(
      Number.isInteger(n) && n >= 0,
      "ARGUMENT",
      () => `permutation: n must be a non-negative integer, got ${n}`,
    );
    const out = empty([n], "int32");
    const array = out.storage.array;
    for (let i = 0; i < n; i++) array[i] = i;
    this.shuffleInPlace(array);
    return out;
  }

  /** Shuffle any array in place (Fisher–Yates). */
  shuffleInPlace<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  private fill(shape: Shape, dtype: DType, draw: () => number): Tensor {
    const out = empty(shape, dtype);
    const array = out.storage.array;
    const n = out.size;
    for (let i = 0; i < n; i++) array[i] = draw();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
