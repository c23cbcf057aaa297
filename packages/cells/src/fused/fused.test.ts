/**
 * Every fused path against the step-by-step path built from ordinary ops:
 * outputs, final states and every gradient, with and without a mask, in
 * both directions, on every backend; float64 to rounding, float32 to the
 * issue's 1e-5. Plus gradcheck of each fused op.
 */
import { backward, gradcheck, requireGrad, zeroGrad } from "@recurrent/autograd";
import {
  add,
  type DType,
  Generator,
  listBackends,
  mul,
  setBackend,
  sum,
  type Tensor,
  tensor,
} from "@recurrent/tensor";
import { beforeEach, describe, expect, it } from "vitest";

type T = Tensor;

import { gruSequence } from "./gru.js";
import { lstmSequence } from "./lstm.js";
import { gruReference, lstmReference, rnnReference } from "./reference.js";
import { rnnSequence } from "./rnn.js";

type Weights = { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor };
interface Options {
  mask: Tensor | null;
  reverse: boolean;
}

interface Kind {
  name: string;
  gates: number;
  /** Outputs as a list: y, then the final state parts. */
  fused(x: Tensor, h0: Tensor, c0: Tensor, w: Weights, o: Options): Tensor[];
  reference(x: Tensor, h0: Tensor, c0: Tensor, w: Weights, o: Options): Tensor[];
  usesC: boolean;
}

const kinds: Kind[] = [
  {
    name: "lstm",
    gates: 4,
    usesC: true,
    fused: (x, h0, c0, w, o) => Object.values(lstmSequence(x, h0, c0, w, o)),
    reference: (x, h0, c0, w, o) => Object.values(lstmReference(x, h0, c0, w, o)),
  },
  {
    name: "gru",
    gates: 3,
    usesC: false,
    fused: (x, h0, _c0, w, o) => Object.values(gruSequence(x, h0, w, o)),
    reference: (x, h0, _c0, w, o) => Object.values(gruReference(x, h0, w, o)),
  },
  {
    name: "rnn tanh",
    gates: 1,
    usesC: false,
    fused: (x, h0, _c0, w, o) => Object.values(rnnSequence(x, h0, w, o)),
    reference: (x, h0, _c0, w, o) => Object.values(rnnReference(x, h0, w, o)),
  },
  {
    name: "rnn relu",
    gates: 1,
    usesC: false,
    fused: (x, h0, _c0, w, o) => Object.values(rnnSequence(x, h0, w, { ...o, activation: "relu" })),
    reference: (x, h0, _c0, w, o) =>
      Object.values(rnnReference(x, h0, w, { ...o, activation: "relu" })),
  },
];

function setup(kind: Kind, dtype: DType, [T, B, I, H] = [5, 3, 4, 6], seed = 1) {
  const rng = new Generator(seed);
  const k = 1 / Math.sqrt(H);
  const leaf = (shape: number[], scale = k) =>
    requireGrad(rng.uniform(shape, -scale, scale, dtype));
  const G = kind.gates * H;
  // Right-padded lengths T, 2, 0, … as a [T, B] mask.
  const lengths = [T, 2, 0];
  return {
    x: leaf([T, B, I], 1),
    h0: leaf([B, H], 0.5),
    c0: leaf([B, H], 0.5),
    w: { wIh: leaf([G, I]), wHh: leaf([G, H]), bIh: leaf([G]), bHh: leaf([G]) },
    mask: tensor(
      Array.from({ length: T * B }, (_, i) => (Math.floor(i / B) < (lengths[i % B] ?? T) ? 1 : 0)),
      { shape: [T, B], dtype },
    ),
    rng,
  };
}

/** Σ of each output times a fixed random probe: a loss that reaches every output. */
function probeLoss(outputs: Tensor[], rng: Generator): Tensor {
  return outputs
    .map((t) => sum(mul(t, rng.normal(t.shape, 0, 1, t.dtype))))
    .reduce((a, b) => add(a, b));
}

function compare(kind: Kind, dtype: DType, masked: boolean, reverse: boolean, tolerance: number) {
  const s = setup(kind, dtype);
  const leaves = [s.x, s.h0, ...(kind.usesC ? [s.c0] : []), s.w.wIh, s.w.wHh, s.w.bIh, s.w.bHh];
  const run = (fn: Kind["fused"]) => {
    zeroGrad(leaves);
    const outputs = fn(s.x, s.h0, s.c0, s.w, { mask: masked ? s.mask : null, reverse });
    backward(probeLoss(outputs, new Generator(9)));
    return [...outputs, ...leaves.map((l) => l.grad as Tensor)].map((t) => Array.from(t.data()));
  };
  const fused = run(kind.fused);
  const reference = run(kind.reference);
  expect(fused.length).toBe(reference.length);
  fused.forEach((values, i) => {
    values.forEach((v, j) => {
      const r = reference[i]?.[j] as number;
      expect(
        Math.abs(v - r),
        `${kind.name} tensor ${i}, flat index ${j}: fused ${v}, step-by-step ${r}`,
      ).toBeLessThanOrEqual(tolerance * (1 + Math.abs(r)));
    });
  });
}

describe.each(listBackends())("fused sequences on %s", (backend) => {
  beforeEach(() => {
    setBackend(backend);
  });

  describe.each(kinds)("$name", (kind) => {
    it.each([
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ])("equals the step path (masked %s, reverse %s)", (masked, reverse) => {
      compare(kind, "float64", masked, reverse, 1e-10); // float64: rounding only
      compare(kind, "float32", masked, reverse, 1e-5); // float32: the bar
    });

    it("passes gradcheck in float64 with a mask", () => {
      const s = setup(kind, "float64", [4, 3, 3, 3], 5);
      const inputs = [s.x, s.h0, s.c0, s.w.wIh, s.w.wHh, s.w.bIh, s.w.bHh];
      gradcheck(
        (...t: T[]) => {
          const [x, h0, c0, wIh, wHh, bIh, bHh] = t as [T, T, T, T, T, T, T];
          const outputs = kind.fused(
            x,
            h0,
            c0,
            { wIh, wHh, bIh, bHh },
            { mask: s.mask, reverse: true },
          );
          return probeLoss(outputs, new Generator(3));
        },
        inputs,
        { name: `${kind.name} fused` },
      );
    });
  });
});

describe("fused sequences never write their inputs", () => {
  it.each(kinds)(
    "$name leaves weights, biases and state untouched, even for one row and one step",
    (kind) => {
      // One step of one row is where a contiguous view of a bias could stand in for a copy.
      const s = setup(kind, "float32", [1, 1, 3, 4], 2);
      const inputs = [s.x, s.h0, s.c0, s.w.wIh, s.w.wHh, s.w.bIh, s.w.bHh];
      const before = inputs.map((t) => Array.from(t.data()));
      const outputs = kind.fused(s.x, s.h0, s.c0, s.w, { mask: null, reverse: false });
      backward(probeLoss(outputs, new Generator(1)));
      inputs.forEach((t, i) => {
        expect(Array.from(t.data()), `input ${i}`).toEqual(before[i]);
      });
    },
  );
});
