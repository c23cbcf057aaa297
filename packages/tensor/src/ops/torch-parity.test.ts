/**
 * Forward numerics against PyTorch. fixtures/torch-forward.json is written by
 * scripts/torch_forward_fixtures.py (run with /usr/bin/python3 and Debian's
 * python3-torch); each case holds inputs, attributes in our API's terms, and
 * PyTorch's float32 output. Every case runs on every backend.
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { type DType, listBackends, setBackend, type Tensor } from "../index.js";
import * as ops from "./index.js";

type Num = number | "NaN" | "Infinity" | "-Infinity";

interface Encoded {
  shape: number[];
  dtype: DType;
  data: Num[];
}

interface Case {
  name: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs: Encoded[];
  output: Encoded;
}

const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/torch-forward.json", import.meta.url), "utf8"),
) as { torch: string; cases: Case[] };

const decode = (v: Num): number =>
  v === "NaN"
    ? Number.NaN
    : v === "Infinity"
      ? Number.POSITIVE_INFINITY
      : v === "-Infinity"
        ? Number.NEGATIVE_INFINITY
        : v;

const toTensor = (e: Encoded): Tensor =>
  ops.tensor(e.data.map(decode), { shape: e.shape, dtype: e.dtype });

type Attrs = Record<string, unknown>;
type Run = (inputs: Tensor[], attrs: Attrs) => Tensor;

const unary =
  (f: (x: Tensor) => Tensor): Run =>
  (inputs) =>
    f(inputs[0] as Tensor);
const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): Run =>
  (inputs) =>
    f(inputs[0] as Tensor, inputs[1] as Tensor);
const reduction =
  (f: (x: Tensor, axes?: number[], o?: { keepDims: boolean }) => Tensor): Run =>
  ([x], a) =>
    f(x as Tensor, (a.axes as number[] | null) ?? undefined, { keepDims: a.keepDims as boolean });
const p = (v: unknown) => (v === "Infinity" ? Number.POSITIVE_INFINITY : (v as number));

/** Each fixture op in terms of our API. */
const runners: Record<string, Run> = {
  neg: unary(ops.neg),
  abs: unary(ops.abs),
  sign: unary(ops.sign),
  exp: unary(ops.exp),
  log: unary(ops.log),
  sqrt: unary(ops.sqrt),
  rsqrt: unary(ops.rsqrt),
  square: unary(ops.square),
  reciprocal: unary(ops.reciprocal),
  tanh: unary(ops.tanh),
  sigmoid: unary(ops.sigmoid),
  relu: unary(ops.relu),
  sin: unary(ops.sin),
  cos: unary(ops.cos),
  floor: unary(ops.floor),
  ceil: unary(ops.ceil),
  round: unary(ops.round),
  add: binary(ops.add),
  sub: binary(ops.sub),
  mul: binary(ops.mul),
  div: binary(ops.div),
  pow: binary(ops.pow),
  maximum: binary(ops.maximum),
  minimum: binary(ops.minimum),
  equal: binary(ops.equal),
  notEqual: binary(ops.notEqual),
  less: binary(ops.less),
  lessEqual: binary(ops.lessEqual),
  greater: binary(ops.greater),
  greaterEqual: binary(ops.greaterEqual),
  where: ([c, a, b]) => ops.where(c as Tensor, a as Tensor, b as Tensor),
  clip: ([x], a) => ops.clip(x as Tensor, a.min as number, a.max as number),
  sum: reduction(ops.sum),
  mean: reduction(ops.mean),
  max: reduction(ops.max),
  min: reduction(ops.min),
  prod: reduction(ops.prod),
  logsumexp: reduction(ops.logsumexp),
  norm: ([x], a) =>
    ops.norm(x as Tensor, p(a.p), (a.axes as number[] | null) ?? undefined, {
      keepDims: a.keepDims as boolean,
    }),
  argmax: ([x], a) =>
    ops.argmax(x as Tensor, a.axis as number, { keepDims: a.keepDims as boolean }),
  argmin: ([x], a) =>
    ops.argmin(x as Tensor, a.axis as number, { keepDims: a.keepDims as boolean }),
  matMul: ([x, y], a) =>
    ops.matMul(x as Tensor, y as Tensor, {
      transposeA: a.transposeA as boolean,
      transposeB: a.transposeB as boolean,
    }),
  softmax: ([x], a) => ops.softmax(x as Tensor, a.axis as number),
  logSoftmax: ([x], a) => ops.logSoftmax(x as Tensor, a.axis as number),
  gather: ([x, i], a) => ops.gather(x as Tensor, i as Tensor, a.axis as number),
  concat: (xs, a) => ops.concat(xs, a.axis as number),
  stack: (xs, a) => ops.stack(xs, a.axis as number),
};

describe(`PyTorch ${fixture.torch} forward fixtures`, () => {
  it("cover every op the script knows, and nothing unknown", () => {
    const used = new Set(fixture.cases.map((c) => c.op));
    expect([...used].filter((op) => !(op in runners))).toEqual([]);
    expect(Object.keys(runners).filter((op) => !used.has(op))).toEqual([]);
  });
});

describe.each(listBackends())("%s backend", (name) => {
  beforeEach(() => {
    setBackend(name);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))("%s", (_, c) => {
    const run = runners[c.op] as Run;
    const out = run(c.inputs.map(toTensor), c.attrs);
    const want = c.output;
    expect(out.shape, "shape").toEqual(want.shape);
    expect(out.dtype, "dtype").toBe(want.dtype);
    const got = Array.from(out.data());
    want.data.forEach((raw, i) => {
      const w = decode(raw);
      const g = got[i] as number;
      if (!Number.isFinite(w)) {
        expect(g, `flat index ${i}`).toBe(w);
        return;
      }
      // Tolerance: float32 parity with PyTorch to 1e-5 relative, plus 1e-6
      // absolute for results near zero: |ours − torch| ≤ 1e-5·|torch| + 1e-6.
      const ok = Math.abs(g - w) <= 1e-5 * Math.abs(w) + 1e-6;
      if (!ok) expect.fail(`${c.name}: flat index ${i}: ours ${g}, torch ${w}`);
    });
  });
});
