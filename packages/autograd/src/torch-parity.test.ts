/**
 * Gradient numerics against PyTorch. fixtures/torch-grads.json is written by
 * scripts/torch_grad_fixtures.py (run with /usr/bin/python3 and Debian's
 * python3-torch); each case holds float32 inputs, attributes in our API's
 * terms, PyTorch's outputs, a fixed random cotangent per output, and
 * PyTorch's gradient of L = Σ (output · cotangent) for every float input.
 * Every case is rebuilt with our ops on leaves marked `requireGrad`,
 * differentiated with `backward`, and compared on every backend.
 */
import { readFileSync } from "node:fs";
import * as T from "@recurrent/tensor";
import { beforeEach, describe, expect, it } from "vitest";
import { backward } from "./backward.js";
import { requireGrad } from "./grad.js";
import { nodeOf } from "./node.js";
import { rules } from "./rules/index.js";

interface Encoded {
  shape: number[];
  dtype: T.DType;
  data: number[];
}

interface Input extends Encoded {
  /** The op receives permute(leaf, axes): a non-contiguous view of the stored leaf. */
  view?: { permute: number[] };
}

interface Case {
  name: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: Input[];
  outputs: Encoded[];
  cotangents: Encoded[];
  /** ∂L/∂input for each input, null where PyTorch has none (indices, where's condition). */
  grads: (Encoded | null)[];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/torch-grads.json", import.meta.url), "utf8"),
) as { torch: string; cases: Case[] };

const toTensor = (e: Encoded): T.Tensor => T.tensor(e.data, { shape: e.shape, dtype: e.dtype });

type Attrs = Record<string, unknown>;
type Run = (inputs: T.Tensor[], attrs: Attrs) => T.Tensor | T.Tensor[];

const unary =
  (f: (x: T.Tensor) => T.Tensor): Run =>
  ([x]) =>
    f(x as T.Tensor);
const binary =
  (f: (a: T.Tensor, b: T.Tensor) => T.Tensor): Run =>
  ([a, b]) =>
    f(a as T.Tensor, b as T.Tensor);
const axesOf = (a: Attrs) => (a.axes as number[] | null) ?? undefined;
const reduction =
  (f: (x: T.Tensor, axes?: number[], o?: T.ReduceOptions) => T.Tensor): Run =>
  ([x], a) =>
    f(x as T.Tensor, axesOf(a), { keepDims: a.keepDims as boolean });
const p = (v: unknown) => (v === "Infinity" ? Number.POSITIVE_INFINITY : (v as number));

/** Linear-tanh-Linear with matMul/add, then −mean(logSoftmax gathered at the targets). */
const mlp: Run = ([x, w1, b1, w2, b2, targets]) => {
  const h = T.tanh(
    T.add(T.matMul(x as T.Tensor, w1 as T.Tensor, { transposeB: true }), b1 as T.Tensor),
  );
  const logits = T.add(T.matMul(h, w2 as T.Tensor, { transposeB: true }), b2 as T.Tensor);
  const [batch, classes] = logits.shape as [number, number];
  const logp = T.logSoftmax(logits, -1);
  // logp[i, targets[i]] as a gather from the flattened rows.
  const flat = T.tensor(
    Array.from((targets as T.Tensor).data(), (t, i) => i * classes + t),
    { shape: [batch], dtype: "int32" },
  );
  return T.neg(T.mean(T.gather(T.reshape(logp, [-1]), flat, 0)));
};

/** h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh), unrolled; the output stacks every h_t. */
const rnn: Run = ([xs, h0, wIh, bIh, wHh, bHh]) => {
  const steps = (xs as T.Tensor).shape[0] as number;
  let h = h0 as T.Tensor;
  const hs: T.Tensor[] = [];
  for (const xt of T.split(xs as T.Tensor, steps, 0)) {
    const input = T.add(
      T.matMul(T.squeeze(xt, 0), wIh as T.Tensor, { transposeB: true }),
      bIh as T.Tensor,
    );
    const hidden = T.add(T.matMul(h, wHh as T.Tensor, { transposeB: true }), bHh as T.Tensor);
    h = T.tanh(T.add(input, hidden));
    hs.push(h);
  }
  return T.stack(hs, 0);
};

/** Each fixture op in terms of our API. */
const runners: Record<string, Run> = {
  reshape: ([x], a) => T.reshape(x as T.Tensor, a.shape as number[]),
  permute: ([x], a) => T.permute(x as T.Tensor, a.axes as number[]),
  transpose: ([x], a) => T.transpose(x as T.Tensor, a.axis0 as number, a.axis1 as number),
  slice: ([x], a) =>
    T.slice(x as T.Tensor, a.begin as number[], (a.end as number[] | null) ?? undefined),
  expand: ([x], a) => T.expand(x as T.Tensor, a.shape as number[]),
  squeeze: ([x], a) => T.squeeze(x as T.Tensor, axesOf(a)),
  unsqueeze: ([x], a) => T.unsqueeze(x as T.Tensor, a.axis as number),
  flatten: ([x], a) => T.flatten(x as T.Tensor, a.start as number, a.end as number),
  pad: ([x], a) => T.pad(x as T.Tensor, a.before as number[], a.after as number[]),
  contiguous: unary(T.contiguous),
  cast: ([x], a) => T.cast(x as T.Tensor, a.dtype as T.DType),
  neg: unary(T.neg),
  abs: unary(T.abs),
  sign: unary(T.sign),
  exp: unary(T.exp),
  log: unary(T.log),
  sqrt: unary(T.sqrt),
  rsqrt: unary(T.rsqrt),
  square: unary(T.square),
  reciprocal: unary(T.reciprocal),
  tanh: unary(T.tanh),
  sigmoid: unary(T.sigmoid),
  relu: unary(T.relu),
  sin: unary(T.sin),
  cos: unary(T.cos),
  floor: unary(T.floor),
  ceil: unary(T.ceil),
  round: unary(T.round),
  add: binary(T.add),
  sub: binary(T.sub),
  mul: binary(T.mul),
  div: binary(T.div),
  pow: binary(T.pow),
  maximum: binary(T.maximum),
  minimum: binary(T.minimum),
  where: ([c, a, b]) => T.where(c as T.Tensor, a as T.Tensor, b as T.Tensor),
  clip: ([x], a) => T.clip(x as T.Tensor, a.min as number, a.max as number),
  sum: reduction(T.sum),
  mean: reduction(T.mean),
  max: reduction(T.max),
  min: reduction(T.min),
  prod: reduction(T.prod),
  logsumexp: reduction(T.logsumexp),
  norm: ([x], a) => T.norm(x as T.Tensor, p(a.p), axesOf(a), { keepDims: a.keepDims as boolean }),
  matMul: ([x, y], a) =>
    T.matMul(x as T.Tensor, y as T.Tensor, {
      transposeA: a.transposeA as boolean,
      transposeB: a.transposeB as boolean,
    }),
  softmax: ([x], a) => T.softmax(x as T.Tensor, a.axis as number),
  logSoftmax: ([x], a) => T.logSoftmax(x as T.Tensor, a.axis as number),
  gather: ([x, i], a) => T.gather(x as T.Tensor, i as T.Tensor, a.axis as number),
  indexSelect: ([x, i], a) => T.indexSelect(x as T.Tensor, i as T.Tensor, a.axis as number),
  scatterAdd: ([u, i], a) =>
    T.scatterAdd(u as T.Tensor, i as T.Tensor, a.axis as number, a.shape as number[]),
  concat: (xs, a) => T.concat(xs, a.axis as number),
  stack: (xs, a) => T.stack(xs, a.axis as number),
  split: ([x], a) => T.split(x as T.Tensor, a.sizesOrCount as number | number[], a.axis as number),
  mlp,
  rnn,
};

/** Primitives without a gradient (their rules return none), so PyTorch has nothing to compare. */
const nonDifferentiable: T.OpName[] = [
  "Equal",
  "NotEqual",
  "Less",
  "LessEqual",
  "Greater",
  "GreaterEqual",
  "ArgMax",
  "ArgMin",
  "OneHot",
];

interface Replay {
  leaves: T.Tensor[];
  outputs: T.Tensor[];
}

/** Build a case's leaves (float ones requiring a gradient) and run its op on their views. */
function replay(c: Case): Replay {
  const leaves = c.inputs.map((e) => {
    const t = toTensor(e);
    return T.isFloat(t.dtype) ? requireGrad(t) : t;
  });
  const seen = leaves.map((t, i) => {
    const view = c.inputs[i]?.view;
    return view ? T.permute(t, view.permute) : t;
  });
  const result = (runners[c.op] as Run)(seen, c.attrs);
  return { leaves, outputs: Array.isArray(result) ? result : [result] };
}

/** Every primitive recorded on the tape between the outputs and the leaves. */
function primitivesOf(outputs: readonly T.Tensor[]): Set<string> {
  const ops = new Set<string>();
  const seen = new Set<unknown>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const node = nodeOf(stack.pop() as T.Tensor);
    if (node === null || seen.has(node)) continue;
    seen.add(node);
    ops.add(node.op);
    stack.push(...node.inputs);
  }
  return ops;
}

/** Compare float32 values; returns the first mismatch, or null. */
function mismatch(got: ArrayLike<number>, want: readonly number[]): string | null {
  if (got.length !== want.length) return `${got.length} elements, expected ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    // Every fixture value is a float32 written as its shortest decimal; fround restores it exactly.
    const w = Math.fround(want[i] as number);
    const g = got[i] as number;
    // Tolerance: float32 parity with PyTorch to 1e-5 relative, plus 1e-6
    // absolute for results near zero: |ours − torch| ≤ 1e-5·|torch| + 1e-6.
    // Every case passes at this bound; none needs a looser one.
    if (!(Math.abs(g - w) <= 1e-5 * Math.abs(w) + 1e-6)) {
      return `flat index ${i}: ours ${g}, torch ${w}`;
    }
  }
  return null;
}

function expectClose(what: string, got: T.Tensor, want: Encoded): void {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  expect(got.dtype, `${what}: dtype`).toBe(want.dtype);
  const failure = mismatch(Array.from(got.data()), want.data);
  if (failure !== null) expect.fail(`${what}: ${failure}`);
}

describe(`PyTorch ${fixture.torch} gradient fixtures`, () => {
  it("cover every fixture op with a runner, and every runner with a case", () => {
    const used = new Set(fixture.cases.map((c) => c.op));
    expect([...used].filter((op) => !(op in runners))).toEqual([]);
    expect(Object.keys(runners).filter((op) => !used.has(op))).toEqual([]);
  });

  it("exercise every differentiable primitive in OpName", () => {
    // The primitives actually recorded while replaying the cases (composite
    // ops such as mean or stack count through the primitives they record).
    const covered = new Set<string>();
    for (const c of fixture.cases) {
      for (const op of primitivesOf(replay(c).outputs)) covered.add(op);
    }
    const differentiable = (Object.keys(rules) as T.OpName[]).filter(
      (op) => !nonDifferentiable.includes(op),
    );
    expect(differentiable.filter((op) => !covered.has(op))).toEqual([]);
    expect(nonDifferentiable.filter((op) => covered.has(op))).toEqual([]);
  });
});

describe.each(T.listBackends())("%s backend", (name) => {
  beforeEach(() => {
    T.setBackend(name);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const { leaves, outputs } = replay(c);
    expect(outputs.length, "number of outputs").toBe(c.outputs.length);
    outputs.forEach((out, i) => {
      expectClose(`output ${i}`, out, c.outputs[i] as Encoded);
    });
    // L = Σᵢ Σ (outputᵢ · cotangentᵢ), as the script differentiates it in PyTorch.
    const terms = outputs.map((out, i) => T.sum(T.mul(out, toTensor(c.cotangents[i] as Encoded))));
    backward(terms.reduce((acc, t) => T.add(acc, t)));
    leaves.forEach((leaf, i) => {
      const want = c.grads[i];
      if (want === null || want === undefined) {
        // No gradient in PyTorch (indices, where's condition): none here either.
        expect(leaf.grad, `input ${i}: gradient`).toBeNull();
        return;
      }
      expect(leaf.grad, `input ${i}: gradient`).not.toBeNull();
      expectClose(`input ${i}: gradient`, leaf.grad as T.Tensor, want);
    });
  });
});
