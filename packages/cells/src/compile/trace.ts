/**
 * Tracing a cell's step: run `definition.step` once on small float64
 * tensors with a recorder installed (the same seam autograd uses), and keep
 * every primitive it calls as a node of an expression graph. The graph, not
 * the cell, is what the derived paths are compiled from, so a cell's maths
 * lives only in its `step`.
 *
 * Each node is one recorded op (name, attributes, input node ids) with the
 * shape it had; leaves are the step's input `x`, its state parts, its
 * parameters, and constants (tensors the step made itself, e.g. the 1 in
 * `sub(1, z)`), whose values are kept.
 */
import {
  type OpAttrs,
  type OpName,
  type Shape,
  setRecorder,
  type Tensor,
  tensor,
} from "@recurrent/tensor";
import type { CellContext, CellDefinition } from "../cell.js";

export type LeafKind = "x" | "state" | "param" | "const";

export interface LeafNode {
  readonly kind: LeafKind;
  readonly id: number;
  readonly shape: Shape;
  /** The state part or parameter name ("x" for the input). */
  readonly name: string;
  /** A constant's values (row-major), for `const` leaves. */
  readonly values?: readonly number[];
}

export interface OpNode {
  readonly kind: "op";
  readonly id: number;
  readonly shape: Shape;
  readonly op: OpName;
  readonly attrs: OpAttrs[OpName];
  readonly inputs: readonly number[];
}

export type TraceNode = LeafNode | OpNode;

export interface Trace {
  readonly nodes: readonly TraceNode[];
  /** The batch size the step was traced with (axis 0 of x and of every state part). */
  readonly batch: number;
  readonly output: number;
  readonly state: Readonly<Record<string, number>>;
}

/** Why a cell cannot be traced, as a sentence; thrown as `TraceError`. */
export class TraceError extends Error {}

/** A batch size that no parameter or state extent equals, so axis 0 is unambiguous. */
function pickBatch(sizes: readonly number[]): number {
  for (const b of [5, 7, 11, 13, 17, 19, 23, 29, 31]) if (!sizes.includes(b)) return b;
  return 37;
}

/** 97 small values, repeated: a hidden-1024 weight is filled with copies, not 4 M calls of Math.sin. */
const pattern = Float64Array.from({ length: 97 }, (_, i) => 0.1 * Math.sin(i * 1.3));

/** Deterministic small values (no RNG state touched): a trace reads shapes, not numbers. */
function filler(shape: Shape, seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float64Array(n);
  const shift = (seed * 31) % pattern.length;
  for (let i = 0; i < n; i++) values[i] = pattern[(i + shift) % pattern.length] as number;
  return tensor(values, { shape, dtype: "float64" });
}

/**
 * Trace `definition.step` for `config` (which includes `input`). Throws
 * TraceError when the step does something a graph of recorded ops cannot
 * show (a value computed outside the recorded primitives, a throw).
 */
export function traceStep(
  definition: CellDefinition,
  config: Record<string, unknown> & CellContext,
): Trace {
  const paramSpecs = definition.params(config);
  const paramShapes: Record<string, Shape> = {};
  for (const [name, spec] of Object.entries(paramSpecs))
    paramShapes[name] = Array.isArray(spec) ? (spec as Shape) : (spec as { shape: Shape }).shape;
  const stateProbe = definition.state({ ...config, batch: 1 }) as Record<string, Shape>;
  const extents = [
    ...Object.values(paramShapes).flat(),
    ...Object.values(stateProbe).flatMap((s) => s.slice(1)),
    config.input,
  ];
  const batch = pickBatch(extents);
  const stateShapes = definition.state({ ...config, batch }) as Record<string, Shape>;

  const nodes: TraceNode[] = [];
  const idOf = new Map<Tensor, number>();
  const leaf = (kind: LeafKind, name: string, t: Tensor, values?: number[]): number => {
    const id = nodes.length;
    nodes.push({ kind, id, shape: t.shape, name, ...(values ? { values } : {}) });
    idOf.set(t, id);
    return id;
  };
  const x = filler([batch, config.input], 1);
  x.requiresGrad = true;
  leaf("x", "x", x);
  const state: Record<string, Tensor> = {};
  let seed = 2;
  for (const [name, shape] of Object.entries(stateShapes)) {
    const t = filler(shape, seed++);
    t.requiresGrad = true;
    state[name] = t;
    leaf("state", name, t);
  }
  const params: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(paramShapes)) {
    const t = filler(shape, seed++);
    t.requiresGrad = true;
    params[name] = t;
    leaf("param", name, t);
  }
  let failure: string | null = null;
  const previous = setRecorder({
    record(op, inputs, attrs, output) {
      const ids: number[] = [];
      for (const input of inputs) {
        let id = idOf.get(input);
        if (id === undefined) {
          if (input.requiresGrad) {
            failure ??= `${op} reads a tensor made outside the recorded ops`;
            id = -1;
          } else id = leaf("const", "const", input, Array.from(input.data()));
        }
        ids.push(id);
      }
      const id = nodes.length;
      nodes.push({ kind: "op", id, shape: output.shape, op, attrs, inputs: ids });
      idOf.set(output, id);
      output.requiresGrad = true;
    },
  });
  let result: { output: Tensor; state: Record<string, Tensor> };
  try {
    result = definition.step(x, state, params, config) as typeof result;
  } catch (error) {
    throw new TraceError(`its step threw while traced: ${(error as Error).message}`);
  } finally {
    setRecorder(previous);
  }
  if (failure !== null) throw new TraceError(failure);
  const find = (t: Tensor, what: string): number => {
    const id = idOf.get(t);
    if (id === undefined)
      throw new TraceError(`its ${what} is not computed from the step's inputs`);
    return id;
  };
  const outState: Record<string, number> = {};
  for (const name of Object.keys(stateShapes)) {
    const t = result.state[name];
    if (t === undefined) throw new TraceError(`its step returns no state part "${name}"`);
    outState[name] = find(t, `state part "${name}"`);
  }
  return { nodes, batch, output: find(result.output, "output"), state: outState };
}
