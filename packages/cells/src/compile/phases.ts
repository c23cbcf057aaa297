/**
 * The forward of a segment in phases, so that its sigmoids, tanhs and exps
 * run as array primitives (the backend's `unary` kernel: SIMD polynomials on
 * wasm) instead of one scalar `Math` call per element. Phase p's generated
 * loop computes the arguments of the transcendental ops that become ready at
 * p into a scratch block [B, n·L] per op; the backend maps each block; phase
 * p + 1 reads the results. The last phase writes the stores and the saved
 * activations. With no such op a segment keeps its single loop.
 */
import { type DType, empty, kernel, type Tensor, type UnaryOp } from "@recurrent/tensor";
import type { CompiledSegment } from "./codegen.js";
import type { Lowered, Scalar, Store } from "./lower.js";

const vectorized = new Set<string>(["sigmoid", "tanh", "exp"]);

export interface PhaseGroup {
  /** The phase whose loop writes the arguments. */
  readonly phase: number;
  readonly op: UnaryOp;
  /** Columns: n·L. */
  readonly width: number;
}

export interface PhasedSource {
  readonly phases: readonly string[];
  readonly groups: readonly PhaseGroup[];
}

export type PhaseKernel = (
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
  P: ArrayLike<number>[],
  PO: Int32Array,
  Q: ArrayLike<number>[],
  QO: Int32Array,
) => void;

interface Context {
  readonly lowered: Lowered;
  readonly order: readonly number[];
  readonly stores: readonly Store[];
  readonly slots: readonly number[];
  readonly vecs: readonly number[];
  readonly savedCol: ReadonlyMap<number, number>;
  readonly forwardOf: (s: Scalar, args: readonly string[]) => string;
  readonly index: (s: { col: number; lane: boolean }, row: string) => string;
  readonly maskedStores: readonly string[];
}

/** The phased forward of a segment, or null when it has no op worth vectorising. */
export function phasedSource(c: Context): PhasedSource | null {
  const { lowered, order } = c;
  const L = lowered.lane;
  const dep = new Map<number, number>();
  const phaseOf = new Map<number, number>();
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t !== "op") {
      dep.set(i, 0);
      continue;
    }
    const d = Math.max(0, ...s.args.map((a) => dep.get(a) ?? 0));
    if (vectorized.has(s.op)) {
      phaseOf.set(i, d);
      dep.set(i, d + 1);
    } else dep.set(i, d);
  }
  if (phaseOf.size === 0) return null;
  const last = Math.max(
    ...c.stores.map((st) => dep.get(st.expr) ?? 0),
    ...[...phaseOf.values()].map((p) => p + 1),
  );
  // Groups: per (phase, op), a column block per node.
  const groups: PhaseGroup[] = [];
  const place = new Map<number, { group: number; col: number }>();
  for (const [i, phase] of phaseOf) {
    const op = (lowered.scalars[i] as { op: UnaryOp }).op;
    let g = groups.findIndex((x) => x.phase === phase && x.op === op);
    if (g < 0) {
      g = groups.length;
      groups.push({ phase, op, width: 0 });
    }
    const group = groups[g] as PhaseGroup;
    place.set(i, { group: g, col: group.width });
    groups[g] = { ...group, width: group.width + L };
  }
  const name = (i: number) => {
    const s = lowered.scalars[i] as Scalar;
    return s.t === "const" ? `(${s.value})` : `s${i}`;
  };
  const head: string[] = [];
  for (const k of c.slots) head.push(`const a${k} = A[${k}], o${k} = O[${k}], d${k} = D[${k}];`);
  for (const v of c.vecs) head.push(`const v${v} = V[${v}], w${v} = VO[${v}];`);
  groups.forEach((g, k) => {
    head.push(`const p${k} = P[${k}], q${k} = Q[${k}], po${k} = PO[${k}], qo${k} = QO[${k}];`);
    void g;
  });
  const rows = [
    ...c.slots.map((k) => `const r${k} = o${k} + b * d${k};`),
    ...groups.map(
      (g, k) => `const pr${k} = po${k} + b * ${g.width}, qr${k} = qo${k} + b * ${g.width};`,
    ),
    "const sr = SO + b * SD;",
  ];
  const phases: string[] = [];
  for (let p = 0; p <= last; p++) {
    const lines: string[] = [];
    const emitted = new Set<number>();
    const emit = (i: number): void => {
      if (emitted.has(i)) return;
      emitted.add(i);
      const s = lowered.scalars[i] as Scalar;
      if (s.t === "const") return;
      if (s.t === "load") lines.push(`const s${i} = a${s.slot}[${c.index(s, `r${s.slot}`)}];`);
      else if (s.t === "vec") lines.push(`const s${i} = v${s.vec}[${c.index(s, `w${s.vec}`)}];`);
      else {
        const at = place.get(i);
        if (at !== undefined) {
          lines.push(`const s${i} = q${at.group}[qr${at.group} + ${at.col} + j];`);
          return;
        }
        for (const a of s.args) emit(a);
        lines.push(`const s${i} = ${c.forwardOf(s, s.args.map(name))};`);
      }
    };
    for (const [i, phase] of phaseOf) {
      if (phase !== p) continue;
      const s = lowered.scalars[i] as { args: readonly number[] };
      const arg = s.args[0] as number;
      emit(arg);
      const at = place.get(i) as { group: number; col: number };
      lines.push(`p${at.group}[pr${at.group} + ${at.col} + j] = ${name(arg)};`);
    }
    if (p < last) {
      phases.push(
        [
          ...head,
          "for (let b = 0; b < B; b++) {",
          ...rows,
          `for (let j = 0; j < ${L}; j++) {`,
          ...lines,
          "}",
          "}",
        ].join("\n"),
      );
      continue;
    }
    for (const [i, col] of c.savedCol) {
      emit(i);
      lines.push(`S[sr + ${col} + j] = s${i};`);
    }
    for (const st of c.stores) {
      emit(st.expr);
      lines.push(`a${st.slot}[r${st.slot} + ${st.col} + j] = ${name(st.expr)};`);
    }
    phases.push(
      [
        ...head,
        "for (let b = 0; b < B; b++) {",
        ...rows,
        "if (M === null || M[MO + b] !== 0) {",
        `for (let j = 0; j < ${L}; j++) {`,
        ...lines,
        "}",
        "} else {",
        `for (let j = 0; j < ${L}; j++) {`,
        ...c.maskedStores,
        "}",
        "}",
        "}",
      ].join("\n"),
    );
  }
  return { phases, groups };
}

export function compilePhases(source: PhasedSource): PhaseKernel[] {
  const args = ["S", "SO", "SD", "A", "O", "D", "V", "VO", "B", "M", "MO", "P", "PO", "Q", "QO"];
  return source.phases.map((body) => new Function(...args, body) as PhaseKernel);
}

/** Scratch blocks for a segment's phases at batch B (pre and post per group). */
export interface PhaseScratch {
  readonly pre: Tensor[];
  readonly post: Tensor[];
  readonly P: ArrayLike<number>[];
  readonly PO: Int32Array;
  readonly Q: ArrayLike<number>[];
  readonly QO: Int32Array;
}

export function phaseScratch(
  segment: CompiledSegment,
  B: number,
  dtype: DType,
): PhaseScratch | null {
  const groups = segment.groups;
  if (groups === undefined) return null;
  const pre = groups.map((g) => empty([B, g.width], dtype));
  const post = groups.map((g) => empty([B, g.width], dtype));
  return {
    pre,
    post,
    P: pre.map((t) => t.storage.array),
    PO: Int32Array.from(pre.map((t) => t.offset)),
    Q: post.map((t) => t.storage.array),
    QO: Int32Array.from(post.map((t) => t.offset)),
  };
}

/** Run a segment's forward: its single loop, or its phases with the backend's unary kernel between. */
export function runSegmentForward(
  segment: CompiledSegment,
  scratch: PhaseScratch | null,
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
): void {
  const phases = segment.phases;
  const groups = segment.groups;
  if (phases === undefined || groups === undefined || scratch === null) {
    segment.forward(S, SO, SD, A, O, D, V, VO, B, M, MO);
    return;
  }
  const unary = kernel("unary");
  for (let p = 0; p < phases.length; p++) {
    // Arrays are read afresh: a backend's memory may have grown since the last call.
    for (let g = 0; g < groups.length; g++) {
      scratch.P[g] = (scratch.pre[g] as Tensor).storage.array;
      scratch.Q[g] = (scratch.post[g] as Tensor).storage.array;
    }
    (phases[p] as PhaseKernel)(
      S,
      SO,
      SD,
      A,
      O,
      D,
      V,
      VO,
      B,
      M,
      MO,
      scratch.P,
      scratch.PO,
      scratch.Q,
      scratch.QO,
    );
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g] as PhaseGroup;
      if (group.phase !== p) continue;
      unary(group.op, scratch.pre[g] as Tensor, (scratch.post[g] as Tensor).storage);
    }
  }
}
