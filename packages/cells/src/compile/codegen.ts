/**
 * Code generation: each element-wise segment of a lowered step becomes one
 * JavaScript function, forward and backward, that loops over rows and lane
 * columns and reads and writes flat typed arrays at offsets the caller sets
 * per step (so a step allocates nothing).
 *
 * The backward is reverse-mode differentiation of the segment's scalar
 * graph: it recomputes the forward values from the same loads, seeds each
 * stored value's adjoint with its incoming gradient, walks the graph in
 * reverse applying one rule per op (rules below, with their maths), and adds
 * each load's adjoint into its gradient buffer. Loads broadcast over lanes or
 * rows (biases, peephole vectors, per-row scalars) accumulate, which is the
 * sum over the broadcast axes.
 *
 * Masked rows (padding) skip the maths: the next state is the previous one,
 * the output 0; backward passes the state's gradient straight through.
 */
import type { Lowered, Scalar, Store } from "./lower.js";
import {
  compilePhases,
  type PhasedSource,
  type PhaseGroup,
  type PhaseKernel,
  phasedSource,
} from "./phases.js";

export type ForwardKernel = (
  S: ArrayLike<number>,
  SO: number,
  SD: number,
  A: ArrayLike<number>[],
  O: Int32Array,
  D: Int32Array,
  V: ArrayLike<number>[],
  VO: Int32Array,
  B: number,
  M: ArrayLike<number> | null,
  MO: number,
) => void;

export type BackwardKernel = (
  S: ArrayLike<number>,
  SO: number,
  SD: number,
  A: ArrayLike<number>[],
  O: Int32Array,
  D: Int32Array,
  V: ArrayLike<number>[],
  VO: Int32Array,
  GA: ArrayLike<number>[],
  GO: Int32Array,
  GD: Int32Array,
  GV: Float64Array[],
  B: number,
  M: ArrayLike<number> | null,
  MO: number,
) => void;

export interface SegmentSource {
  readonly level: number;
  readonly forward: string;
  readonly backward: string;
  /** Row width of the buffer of saved activations (0: none). */
  readonly savedWidth: number;
  /** The forward in phases with vectorised transcendentals (see phases.ts), or null. */
  readonly phased: PhasedSource | null;
}

/** Ops whose derivative needs only their output: the forward saves it, the backward reads it back. */
const savedOps = new Set(["sigmoid", "tanh", "exp", "sqrt", "rsqrt", "reciprocal"]);
/** Ops whose derivative reads their arguments' values. */
const readsArgs = new Set([
  "mul",
  "div",
  "relu",
  "log",
  "square",
  "abs",
  "maximum",
  "minimum",
  "clip",
]);

/** The forward value of scalar `i` given its arguments' names. */
function forwardOf(s: Scalar, a: readonly string[]): string {
  if (s.t !== "op") throw new Error("forwardOf: not an op");
  const [x, y] = a as [string, string];
  switch (s.op) {
    case "add":
      return `${x} + ${y}`;
    case "sub":
      return `${x} - ${y}`;
    case "mul":
      return `${x} * ${y}`;
    case "div":
      return `${x} / ${y}`;
    case "neg":
      return `-${x}`;
    case "sigmoid":
      return `1 / (1 + Math.exp(-${x}))`;
    case "tanh":
      return `Math.tanh(${x})`;
    case "relu":
      return `(${x} > 0 ? ${x} : 0)`;
    case "exp":
      return `Math.exp(${x})`;
    case "log":
      return `Math.log(${x})`;
    case "square":
      return `${x} * ${x}`;
    case "sqrt":
      return `Math.sqrt(${x})`;
    case "rsqrt":
      return `1 / Math.sqrt(${x})`;
    case "reciprocal":
      return `1 / ${x}`;
    case "abs":
      return `Math.abs(${x})`;
    case "maximum":
      return `(${x} >= ${y} ? ${x} : ${y})`;
    case "minimum":
      return `(${x} <= ${y} ? ${x} : ${y})`;
    case "clip":
      return `Math.min(Math.max(${x}, ${s.min}), ${s.max})`;
  }
}

/**
 * The adjoint updates for op `s` = v with adjoint g: one `[argument, term]`
 * per differentiable argument (term is added to the argument's adjoint).
 */
function rulesOf(s: Scalar, v: string, g: string, a: readonly string[]): [number, string][] {
  if (s.t !== "op") return [];
  const [x, y] = a as [string, string];
  switch (s.op) {
    case "add": // d(x + y) = dx + dy
      return [
        [0, g],
        [1, g],
      ];
    case "sub": // d(x − y) = dx − dy
      return [
        [0, g],
        [1, `-${g}`],
      ];
    case "mul": // d(xy) = y dx + x dy
      return [
        [0, `${g} * ${y}`],
        [1, `${g} * ${x}`],
      ];
    case "div": // d(x/y) = dx/y − x dy/y²
      return [
        [0, `${g} / ${y}`],
        [1, `-${g} * ${x} / (${y} * ${y})`],
      ];
    case "neg": // d(−x) = −dx
      return [[0, `-${g}`]];
    case "sigmoid": // σ' = σ(1 − σ)
      return [[0, `${g} * ${v} * (1 - ${v})`]];
    case "tanh": // tanh' = 1 − tanh²
      return [[0, `${g} * (1 - ${v} * ${v})`]];
    case "relu": // relu' = [x > 0]
      return [[0, `(${x} > 0 ? ${g} : 0)`]];
    case "exp": // exp' = exp
      return [[0, `${g} * ${v}`]];
    case "log": // log' = 1/x
      return [[0, `${g} / ${x}`]];
    case "square": // (x²)' = 2x
      return [[0, `2 * ${g} * ${x}`]];
    case "sqrt": // √x' = 1/(2√x)
      return [[0, `${g} / (2 * ${v})`]];
    case "rsqrt": // (x^−½)' = −½ x^−3/2 = −½ v³
      return [[0, `-0.5 * ${g} * ${v} * ${v} * ${v}`]];
    case "reciprocal": // (1/x)' = −1/x² = −v²
      return [[0, `-${g} * ${v} * ${v}`]];
    case "abs": // |x|' = sign x
      return [[0, `(${x} > 0 ? ${g} : ${x} < 0 ? -${g} : 0)`]];
    case "maximum": // the larger argument takes the gradient (x on ties)
      return [
        [0, `(${x} >= ${y} ? ${g} : 0)`],
        [1, `(${x} >= ${y} ? 0 : ${g})`],
      ];
    case "minimum":
      return [
        [0, `(${x} <= ${y} ? ${g} : 0)`],
        [1, `(${x} <= ${y} ? 0 : ${g})`],
      ];
    case "clip": // passes the gradient inside [min, max]
      return [[0, `(${x} >= ${s.min} && ${x} <= ${s.max} ? ${g} : 0)`]];
  }
}

/** The scalars a set of stores needs, in topological (index) order. */
function needed(lowered: Lowered, stores: readonly Store[]): number[] {
  const seen = new Set<number>();
  const stack = stores.map((s) => s.expr);
  while (stack.length > 0) {
    const i = stack.pop() as number;
    if (seen.has(i)) continue;
    seen.add(i);
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "op") stack.push(...s.args);
  }
  return [...seen].sort((a, b) => a - b);
}

function slotsOf(lowered: Lowered, order: readonly number[], stores: readonly Store[]): number[] {
  const used = new Set<number>(stores.map((s) => s.slot));
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "load") used.add(s.slot);
  }
  // Masked rows copy the previous state part into the next one.
  for (const store of stores) {
    const slot = lowered.slots[store.slot];
    if (slot?.kind === "next") used.add(stateSlot(lowered, slot.key as string));
  }
  return [...used].sort((a, b) => a - b);
}

export function stateSlot(lowered: Lowered, part: string): number {
  return lowered.slots.findIndex((s) => s.kind === "state" && s.key === part);
}

function vecsOf(lowered: Lowered, order: readonly number[]): number[] {
  const used = new Set<number>();
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "vec") used.add(s.vec);
  }
  return [...used].sort((a, b) => a - b);
}

function index(s: { col: number; lane: boolean }, row: string): string {
  return s.lane ? `${row} + ${s.col} + j` : `${row} + ${s.col}`;
}

/** Generate the source of segment `level`'s forward and backward bodies. */
export function segmentSource(lowered: Lowered, level: number): SegmentSource | null {
  const stores = lowered.stores.filter((s) => s.level === level);
  if (stores.length === 0) return null;
  const order = needed(lowered, stores);
  const slots = slotsOf(lowered, order, stores);
  const vecs = vecsOf(lowered, order);
  const L = lowered.lane;
  const name = (i: number) => {
    const s = lowered.scalars[i] as Scalar;
    return s.t === "const" ? `(${s.value})` : `s${i}`;
  };
  const head: string[] = [];
  for (const k of slots) head.push(`const a${k} = A[${k}], o${k} = O[${k}], d${k} = D[${k}];`);
  for (const v of vecs) head.push(`const v${v} = V[${v}], w${v} = VO[${v}];`);
  const rows = slots.map((k) => `const r${k} = o${k} + b * d${k};`);
  // Transcendental results are saved per step (column `savedCol`), so the backward never recomputes them.
  const savedCol = new Map<number, number>();
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "op" && savedOps.has(s.op)) savedCol.set(i, savedCol.size * L);
  }
  const loadOf = (i: number, s: Scalar): string | null => {
    if (s.t === "load") return `const s${i} = a${s.slot}[${index(s, `r${s.slot}`)}];`;
    if (s.t === "vec") return `const s${i} = v${s.vec}[${index(s, `w${s.vec}`)}];`;
    return null;
  };
  const compute: string[] = [];
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    const load = loadOf(i, s);
    if (load !== null) compute.push(load);
    else if (s.t === "op") {
      compute.push(`const s${i} = ${forwardOf(s, s.args.map(name))};`);
      const col = savedCol.get(i);
      if (col !== undefined) compute.push(`S[sr + ${col} + j] = s${i};`);
    }
  }
  // The backward recomputes only the values its rules read (saved ones are loaded).
  const wanted = new Set<number>();
  const want = (i: number) => {
    if (wanted.has(i)) return;
    wanted.add(i);
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "op" && !savedCol.has(i)) for (const a of s.args) want(a);
  };
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t !== "op") continue;
    if (savedCol.has(i)) want(i);
    if (readsArgs.has(s.op)) for (const a of s.args) want(a);
  }
  const recompute: string[] = [];
  for (const i of order) {
    if (!wanted.has(i)) continue;
    const s = lowered.scalars[i] as Scalar;
    const load = loadOf(i, s);
    if (load !== null) recompute.push(load);
    else if (s.t === "op") {
      const col = savedCol.get(i);
      recompute.push(
        col !== undefined
          ? `const s${i} = S[sr + ${col} + j];`
          : `const s${i} = ${forwardOf(s, s.args.map(name))};`,
      );
    }
  }
  const storeLines = stores.map(
    (st) => `a${st.slot}[r${st.slot} + ${st.col} + j] = ${name(st.expr)};`,
  );
  const maskedStores = stores.map((st) => {
    const slot = lowered.slots[st.slot];
    if (slot?.kind === "next") {
      const from = stateSlot(lowered, slot.key as string);
      return `a${st.slot}[r${st.slot} + ${st.col} + j] = a${from}[r${from} + ${st.col} + j];`;
    }
    return `a${st.slot}[r${st.slot} + ${st.col} + j] = 0;`;
  });
  const forward = [
    ...head,
    "for (let b = 0; b < B; b++) {",
    ...rows,
    "const sr = SO + b * SD;",
    "if (M === null || M[MO + b] !== 0) {",
    `for (let j = 0; j < ${L}; j++) {`,
    ...compute,
    ...storeLines,
    "}",
    "} else {",
    `for (let j = 0; j < ${L}; j++) {`,
    ...maskedStores,
    "}",
    "}",
    "}",
  ].join("\n");

  // Backward: gradient arrays per slot (GA/GO/GD) and per vector (GV).
  const gradHead = slots.map(
    (k) => `const ga${k} = GA[${k}], go${k} = GO[${k}], gd${k} = GD[${k}];`,
  );
  const gradVecs = vecs.map((v) => `const gv${v} = GV[${v}];`);
  const gradRows = slots.map((k) => `const q${k} = go${k} + b * gd${k};`);
  const adjoint: string[] = [];
  for (const i of order)
    if ((lowered.scalars[i] as Scalar).t !== "const") adjoint.push(`let g${i} = 0;`);
  const seed = stores
    .filter((st) => (lowered.scalars[st.expr] as Scalar).t !== "const")
    .map((st) => `g${st.expr} += ga${st.slot}[q${st.slot} + ${st.col} + j];`);
  const sweep: string[] = [];
  for (const i of [...order].reverse()) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "op") {
      for (const [arg, term] of rulesOf(s, `s${i}`, `g${i}`, s.args.map(name))) {
        const target = s.args[arg] as number;
        if ((lowered.scalars[target] as Scalar).t !== "const") sweep.push(`g${target} += ${term};`);
      }
    } else if (s.t === "load") {
      sweep.push(`ga${s.slot}[${index(s, `q${s.slot}`)}] += g${i};`);
    } else if (s.t === "vec") {
      sweep.push(`gv${s.vec}[${s.lane ? `${s.col} + j` : s.col}] += g${i};`);
    }
  }
  const passThrough = stores.flatMap((st) => {
    const slot = lowered.slots[st.slot];
    if (slot?.kind !== "next") return [];
    const from = stateSlot(lowered, slot.key as string);
    return [`ga${from}[q${from} + ${st.col} + j] += ga${st.slot}[q${st.slot} + ${st.col} + j];`];
  });
  const backward = [
    ...head,
    ...gradHead,
    ...gradVecs,
    "for (let b = 0; b < B; b++) {",
    ...rows,
    ...gradRows,
    "const sr = SO + b * SD;",
    "if (M === null || M[MO + b] !== 0) {",
    `for (let j = 0; j < ${L}; j++) {`,
    ...recompute,
    ...adjoint,
    ...seed,
    ...sweep,
    "}",
    "} else {",
    `for (let j = 0; j < ${L}; j++) {`,
    ...passThrough,
    "}",
    "}",
    "}",
  ].join("\n");
  const phased = phasedSource({
    lowered,
    order,
    stores,
    slots,
    vecs,
    savedCol,
    forwardOf,
    index,
    maskedStores,
  });
  return { level, forward, backward, savedWidth: savedCol.size * L, phased };
}

export interface CompiledSegment {
  readonly level: number;
  readonly savedWidth: number;
  readonly phases?: readonly PhaseKernel[];
  readonly groups?: readonly PhaseGroup[];
  readonly forward: ForwardKernel;
  readonly backward: BackwardKernel;
}

/** Why generated code cannot run here, once per process (null while it can). */
let blocked: string | null = null;

/** Compile the sources with `new Function`; null (and one console warning) under a CSP that forbids it. */
export function compileSegments(sources: readonly SegmentSource[]): CompiledSegment[] | null {
  if (blocked !== null) return null;
  try {
    return sources.map((s) => ({
      ...(s.phased === null ? {} : { phases: compilePhases(s.phased), groups: s.phased.groups }),
      level: s.level,
      savedWidth: s.savedWidth,
      forward: new Function(
        "S",
        "SO",
        "SD",
        "A",
        "O",
        "D",
        "V",
        "VO",
        "B",
        "M",
        "MO",
        s.forward,
      ) as ForwardKernel,
      backward: new Function(
        "S",
        "SO",
        "SD",
        "A",
        "O",
        "D",
        "V",
        "VO",
        "GA",
        "GO",
        "GD",
        "GV",
        "B",
        "M",
        "MO",
        s.backward,
      ) as BackwardKernel,
    }));
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    blocked =
      "this page's Content-Security-Policy forbids code generated at run time ('unsafe-eval'), so cells run on their step path";
    console.warn(`@recurrent/cells: ${blocked}`);
    return null;
  }
}

/** Why generated kernels are unavailable (a CSP), or null. */
export function codegenBlocked(): string | null {
  return blocked;
}
