import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { broadcastShapes, type Tensor } from "../index.js";
import { expectClose, refBroadcastShape, size, values } from "../testing/reference.js";
import {
  add,
  concat,
  matMul,
  mul,
  permute,
  reshape,
  slice,
  sum,
  tensor,
  transpose,
} from "./index.js";

// Ranks ≤ 4 and dimensions ≤ 5, as STYLE.md asks; fast-check prints the
// seed and the shrunk counterexample on failure.
/** 50 cases per property and backend keeps the suite fast; the seed varies per run. */
const runs = { numRuns: 50 };
const dim = fc.integer({ min: 1, max: 5 });
const shapeArb = (minRank = 0, maxRank = 4) =>
  fc.array(dim, { minLength: minRank, maxLength: maxRank });
/** Small float32-exact values, so sums of a few of them are exact or nearly. */
const value = fc.float({ min: -8, max: 8, noNaN: true, noDefaultInfinity: true });

const dataFor = (shape: readonly number[]) =>
  fc.array(value, { minLength: size(shape), maxLength: size(shape) });

const tensorArb = (shape: fc.Arbitrary<number[]>) =>
  shape.chain((s) => dataFor(s).map((data) => ({ shape: s, data })));

/** Two shapes that broadcast: both cut from one output shape, with some axes set to 1 and some dropped in front. */
const broadcastPair = shapeArb().chain((out) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.array(fc.boolean(), { minLength: out.length, maxLength: out.length }),
      fc.nat({ max: out.length }),
      fc.nat({ max: out.length }),
    )
    .map(([onesA, onesB, dropA, dropB]) => [
      out.map((d, i) => (onesA[i] ? 1 : d)).slice(dropA),
      out.map((d, i) => (onesB[i] ? 1 : d)).slice(dropB),
    ]),
);

const make = ({ shape, data }: { shape: number[]; data: number[] }): Tensor =>
  tensor(data, { shape });

/** A permutation of 0..n−1 drawn by fast-check. */
const permutationOf = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) =>
    keys
      .map((k, i) => [k, i] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, i]) => i),
  );

/** Property tests (fast-check): broadcasting, views and algebraic identities; run per backend by ops.test.ts. */
export function propertiesSuite(_backend: string): void {
  test.prop([broadcastPair], runs)("broadcasting is symmetric in shape", ([a, b]) => {
    const ab = broadcastShapes("add", a as number[], b as number[]);
    expect(broadcastShapes("add", b as number[], a as number[])).toEqual(ab);
    expect(ab).toEqual(refBroadcastShape(a as number[], b as number[]));
  });

  test.prop(
    [
      broadcastPair.chain(([sa, sb]) =>
        fc.tuple(tensorArb(fc.constant(sa as number[])), tensorArb(fc.constant(sb as number[]))),
      ),
    ],
    runs,
  )("add and mul commute under broadcasting: a + b = b + a, a·b = b·a", ([ra, rb]) => {
    const a = make(ra);
    const b = make(rb);
    const ab = add(a, b);
    const ba = add(b, a);
    expect(ab.shape).toEqual(ba.shape);
    expect(values(ab)).toEqual(values(ba));
    expect(values(mul(a, b))).toEqual(values(mul(b, a)));
  });

  test.prop([tensorArb(shapeArb()), fc.nat()], runs)(
    "reshape round-trips through any factorisation of the size",
    (r, pick) => {
      const x = make(r);
      const n = size(r.shape);
      const divisors = Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
      const d = divisors[pick % divisors.length] as number;
      const y = reshape(x, [d, -1]);
      expect(y.shape).toEqual([d, n / d]);
      const back = reshape(y, r.shape);
      expect(back.shape).toEqual(r.shape);
      expect(values(back)).toEqual(r.data);
    },
  );

  test.prop([tensorArb(shapeArb(2)), fc.nat(), fc.nat()], runs)(
    "transpose twice is the identity (any two axes)",
    (r, i, j) => {
      const x = make(r);
      const a = i % x.rank;
      const b = j % x.rank;
      const t = transpose(transpose(x, a, b), a, b);
      expect(t.shape).toEqual(r.shape);
      expect(values(t)).toEqual(r.data);
    },
  );

  test.prop(
    [tensorArb(shapeArb(1)).chain((r) => fc.tuple(fc.constant(r), permutationOf(r.shape.length)))],
    runs,
  )("permute then the inverse permutation is the identity", ([r, order]) => {
    const inverse = new Array<number>(order.length);
    order.forEach((a, i) => {
      inverse[a] = i;
    });
    const back = permute(permute(make(r), order), inverse);
    expect(values(back)).toEqual(r.data);
  });

  test.prop(
    [
      fc
        .tuple(shapeArb(0, 2), dim, dim, dim, fc.boolean(), fc.boolean())
        .chain(([batch, m, k, n, ta, tb]) =>
          fc.tuple(
            tensorArb(fc.constant([...batch, ...(ta ? [k, m] : [m, k])])),
            tensorArb(fc.constant([...batch, ...(tb ? [n, k] : [k, n])])),
            fc.constant(ta),
            fc.constant(tb),
          ),
        ),
    ],
    runs,
  )("(a·b)ᵀ = bᵀ·aᵀ, through the transpose flags", ([ra, rb, ta, tb]) => {
    const a = make(ra);
    const b = make(rb);
    const left = transpose(matMul(a, b, { transposeA: ta, transposeB: tb }));
    // op(b)ᵀ·op(a)ᵀ: read b with the opposite flag as the left operand, a likewise.
    const right = matMul(b, a, { transposeA: !tb, transposeB: !ta });
    expect(right.shape).toEqual(left.shape);
    // The same products summed in the same order: float32 results agree closely.
    expectClose(right, left, { rtol: 1e-6, atol: 1e-5 });
  });

  test.prop(
    [
      tensorArb(shapeArb(1)).chain((r) =>
        fc.tuple(
          fc.constant(r),
          fc.nat({ max: r.shape.length - 1 }),
          fc.array(fc.nat({ max: 5 }), { maxLength: 3 }),
        ),
      ),
    ],
    runs,
  )("slicing along an axis then concatenating reassembles the tensor", ([r, axis, cutsRaw]) => {
    const x = make(r);
    const extent = r.shape[axis] as number;
    const cuts = [0, ...cutsRaw.map((c) => c % (extent + 1)).sort((p, q) => p - q), extent];
    const pieces = cuts.slice(1).map((end, i) => {
      const begin = r.shape.map((_, j) => (j === axis ? (cuts[i] as number) : 0));
      const stop = r.shape.map((d, j) => (j === axis ? end : d));
      return slice(x, begin, stop);
    });
    const joined = concat(pieces, axis);
    expect(joined.shape).toEqual(r.shape);
    expect(values(joined)).toEqual(r.data);
  });

  test.prop([tensorArb(shapeArb(1))], runs)(
    "the sum over all axes equals a sum of sums, axis by axis",
    (r) => {
      const x = make(r);
      const total = sum(x).item();
      let partial: Tensor = x;
      while (partial.rank > 0) partial = sum(partial, partial.rank - 1);
      const naive = r.data.reduce((s, v) => s + v, 0);
      // Each of ≤ 4 levels of float32 partial sums rounds by ≤ 2⁻²⁴·Σ|x|; allow 1e-6·Σ|x| + 1e-6.
      const tol = 1e-6 * r.data.reduce((s, v) => s + Math.abs(v), 0) + 1e-6;
      expect(Math.abs(total - naive)).toBeLessThanOrEqual(tol);
      expect(Math.abs(partial.item() - naive)).toBeLessThanOrEqual(tol);
      expect(Math.abs(partial.item() - total)).toBeLessThanOrEqual(tol);
    },
  );
}
