/**
 * Lowering a traced step to what the fused path runs: the matrix products
 * (hoisted input projections x·W over all steps, recurrent products A·W per
 * step) and one scalar expression graph for the element-wise rest.
 *
 * The element-wise part is written per lane: every row value of width w is
 * cut into w/L lanes of width L (L = the gcd of the widths and slice
 * offsets, usually the hidden size), and each lane is an expression over
 * loads at column offsets: `gates[:, H:2H]` becomes "the buffer of h·W_hhᵀ,
 * column H + j". Slices, splits and broadcasting vanish into those offsets,
 * so one loop over (row b, lane index j) computes the whole step.
 *
 * Levels order the work within a step: a product whose left operand is
 * computed at level l runs after level l's element-wise segment and its
 * result is available from level l + 1 (a GRU with the reset gate before
 * the product has three levels; an LSTM two, the first empty).
 */
import type { OpAttrs, OpName, Shape } from "@recurrent/tensor";
import { type OpNode, type Trace, TraceError, type TraceNode } from "./trace.js";

export type ScalarOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "neg"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "exp"
  | "log"
  | "square"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "abs"
  | "maximum"
  | "minimum"
  | "clip";

const unaryOps: Partial<Record<OpName, ScalarOp>> = {
  Neg: "neg",
  Sigmoid: "sigmoid",
  Tanh: "tanh",
  Relu: "relu",
  Exp: "exp",
  Log: "log",
  Square: "square",
  Sqrt: "sqrt",
  Rsqrt: "rsqrt",
  Reciprocal: "reciprocal",
  Abs: "abs",
};
const binaryOps: Partial<Record<OpName, ScalarOp>> = {
  Add: "add",
  Sub: "sub",
  Mul: "mul",
  Div: "div",
  Maximum: "maximum",
  Minimum: "minimum",
};

/** Where a row value lives at run time; `load` slots are read, `store` slots written. */
export type SlotKind = "x" | "proj" | "state" | "product" | "next" | "y" | "operand";
export interface Slot {
  readonly kind: SlotKind;
  /** Row width. */
  readonly width: number;
  /** State part name, or the index of the projection / product. */
  readonly key: string | number;
}

export type Scalar =
  | { readonly t: "load"; readonly slot: number; readonly col: number; readonly lane: boolean }
  | { readonly t: "vec"; readonly vec: number; readonly col: number; readonly lane: boolean }
  | { readonly t: "const"; readonly value: number }
  | {
      readonly t: "op";
      readonly op: ScalarOp;
      readonly args: readonly number[];
      readonly min?: number;
      readonly max?: number;
    };

/** A parameter-only value the fused op takes as an input, recomputed from the parameters per call. */
export interface Operand {
  readonly node: number;
  readonly shape: Shape;
}

/** out = A·op(W): hoisted over all steps when A is x, else once per step. */
export interface Product {
  readonly operand: number;
  readonly transposeB: boolean;
  /** Output width N and inner size K. */
  readonly n: number;
  readonly k: number;
  /** Level of its result (hoisted products: 0). */
  readonly level: number;
  /** The slot its result is read from. */
  readonly out: number;
  /** The slot A is read from: x (hoisted), a previous state part, or an `operand` store. */
  readonly a: number;
}

export interface Store {
  readonly slot: number;
  readonly col: number;
  readonly expr: number;
  readonly level: number;
}

export interface Lowered {
  readonly lane: number;
  readonly slots: readonly Slot[];
  readonly scalars: readonly Scalar[];
  readonly operands: readonly Operand[];
  /** Operand index → vector index for element-wise use (or -1). */
  readonly vectors: readonly number[];
  readonly hoisted: readonly Product[];
  readonly products: readonly Product[];
  readonly stores: readonly Store[];
  readonly levels: number;
  readonly stateParts: readonly string[];
  readonly outputWidth: number;
  readonly stateWidths: Readonly<Record<string, number>>;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

const maxLanes = 64;

export function lower(trace: Trace): Lowered {
  const { nodes, batch: B } = trace;
  const fail = (why: string): never => {
    throw new TraceError(why);
  };
  // Which nodes vary per row (depend on x or the state).
  const row: boolean[] = nodes.map(() => false);
  for (const n of nodes) {
    if (n.kind === "x" || n.kind === "state") row[n.id] = true;
    else if (n.kind === "op") row[n.id] = n.inputs.some((i) => row[i]);
  }
  const describe = (n: TraceNode) => (n.kind === "op" ? n.op : `${n.kind} ${n.name}`);
  for (const n of nodes) {
    if (row[n.id] && (n.shape.length !== 2 || n.shape[0] !== B)) {
      fail(
        `${describe(n)} makes a per-row value of shape [${n.shape.join(", ")}], not [batch, width]`,
      );
    }
  }
  // The lane width: every row width and every column offset is a multiple of it.
  // (x and the state parts count only where read element-wise, not as the left operand of a product.)
  const elementwise: boolean[] = nodes.map((n) => n.kind === "op");
  for (const n of nodes) {
    if (n.kind !== "op") continue;
    n.inputs.forEach((i, position) => {
      if (!(n.op === "MatMul" && position === 0)) elementwise[i] = true;
    });
  }
  for (const [, id] of Object.entries(trace.state)) elementwise[id] = true;
  elementwise[trace.output] = true;
  let lane = 0;
  for (const n of nodes) {
    if (!row[n.id] || !elementwise[n.id]) continue;
    const w = n.shape[1] as number;
    if (w > 1) lane = gcd(lane, w);
    if (n.kind === "op" && n.op === "Slice") {
      const begin = (n.attrs as OpAttrs["Slice"]).begin[1] as number;
      if (begin > 0) lane = gcd(lane, begin);
    }
  }
  // Stored rows (the next state parts, the output) are written whole lanes at a time, so their
  // widths must be multiples of the lane too (a width-1 output forces lanes of 1).
  for (const id of [...Object.values(trace.state), trace.output]) {
    lane = gcd(lane, (nodes[id] as TraceNode).shape[1] as number);
  }
  if (lane === 0) lane = 1;

  const slots: Slot[] = [];
  const slotIndex = new Map<string, number>();
  const slot = (kind: SlotKind, key: string | number, width: number): number => {
    const id = `${kind}:${key}`;
    let i = slotIndex.get(id);
    if (i === undefined) {
      i = slots.length;
      slots.push({ kind, key, width });
      slotIndex.set(id, i);
    }
    return i;
  };
  const scalars: Scalar[] = [];
  const levelOf: number[] = [];
  const cse = new Map<string, number>();
  const scalar = (s: Scalar, level: number): number => {
    const key = JSON.stringify(s);
    let i = cse.get(key);
    if (i === undefined) {
      i = scalars.length;
      scalars.push(s);
      levelOf.push(level);
      cse.set(key, i);
    }
    return i;
  };
  const operands: Operand[] = [];
  const operandOf = new Map<number, number>();
  const operand = (node: number): number => {
    let i = operandOf.get(node);
    if (i === undefined) {
      i = operands.length;
      operands.push({ node, shape: (nodes[node] as TraceNode).shape });
      operandOf.set(node, i);
    }
    return i;
  };
  const vectors: number[] = [];
  const productLevel: number[] = [];
  const hoisted: Product[] = [];
  const products: Product[] = [];
  const stores: Store[] = [];
  const productOfNode = new Map<number, { slot: number; level: number }>();
  const laneLevel = (i: number) => levelOf[i] as number;

  /** A parameter-only (or constant) value broadcast against rows: [w], [1, w] or a scalar. */
  const broadcastLoad = (id: number, col: number): number => {
    const n = nodes[id] as TraceNode;
    const size = n.shape.reduce((a, b) => a * b, 1);
    if (n.kind === "const" && size === 1)
      return scalar({ t: "const", value: n.values?.[0] as number }, 0);
    const leading = n.shape.slice(0, -1);
    if (n.shape.length > 2 || leading.some((d) => d !== 1)) {
      fail(
        `${describe(n)} of shape [${n.shape.join(", ")}] meets per-row values; only vectors broadcast`,
      );
    }
    const o = operand(id);
    vectors[o] ??= o;
    const w = size;
    return w === 1
      ? scalar({ t: "vec", vec: o, col: 0, lane: false }, 0)
      : scalar({ t: "vec", vec: o, col, lane: true }, 0);
  };

  const memo = new Map<string, number>();
  const expr = (id: number, col: number): number => {
    const n = nodes[id] as TraceNode;
    if (!row[id]) return broadcastLoad(id, col);
    const w = n.shape[1] as number;
    const c = w === 1 ? 0 : col;
    const key = `${id}:${c}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const made = build(n, c, w);
    memo.set(key, made);
    return made;
  };
  const inputAt = (id: number, col: number): number => {
    const n = nodes[id] as TraceNode;
    if (!row[id]) {
      const w = n.shape[n.shape.length - 1] ?? 1;
      return broadcastLoad(id, w === 1 ? 0 : col);
    }
    return expr(id, col);
  };
  const op = (o: ScalarOp, args: number[], extra: { min?: number; max?: number } = {}) =>
    scalar({ t: "op", op: o, args, ...extra }, Math.max(0, ...args.map(laneLevel)));

  const build = (n: TraceNode, col: number, w: number): number => {
    const lanes = w === 1;
    if (n.kind === "x") return scalar({ t: "load", slot: slot("x", "x", w), col, lane: !lanes }, 0);
    if (n.kind === "state") {
      return scalar({ t: "load", slot: slot("state", n.name, w), col, lane: !lanes }, 0);
    }
    if (n.kind !== "op") return fail(`unexpected leaf ${describe(n)}`);
    const unary = unaryOps[n.op];
    if (unary !== undefined) return op(unary, [expr(n.inputs[0] as number, col)]);
    const binary = binaryOps[n.op];
    if (binary !== undefined) {
      return op(binary, [inputAt(n.inputs[0] as number, col), inputAt(n.inputs[1] as number, col)]);
    }
    const input = nodes[n.inputs[0] as number] as TraceNode;
    switch (n.op) {
      case "Clip": {
        const { min, max } = n.attrs as OpAttrs["Clip"];
        return op("clip", [expr(input.id, col)], { min, max });
      }
      case "Slice": {
        const { begin, end } = n.attrs as OpAttrs["Slice"];
        if (begin[0] !== 0 || end[0] !== B) fail("a Slice cuts the batch axis");
        return expr(input.id, col + (begin[1] as number));
      }
      case "Reshape":
      case "Contiguous":
      case "Expand":
        if (input.shape.length === 2 && input.shape[0] === B) return expr(input.id, col);
        return fail(`${n.op} of [${input.shape.join(", ")}] changes the row layout`);
      case "Concat": {
        if ((n.attrs as OpAttrs["Concat"]).axis !== 1) fail("a Concat joins along the batch axis");
        let start = 0;
        for (const part of n.inputs) {
          const pw = (nodes[part] as TraceNode).shape[1] as number;
          if (col >= start && col < start + pw) return inputAt(part, col - start);
          start += pw;
        }
        return fail("Concat lane out of range");
      }
      case "MatMul": {
        const known = productOfNode.get(n.id);
        if (known === undefined) fail("internal: product used before it was lowered");
        const p = known as { slot: number; level: number };
        return scalar({ t: "load", slot: p.slot, col, lane: !lanes }, p.level);
      }
      default:
        return fail(`${n.op} has no element-wise lowering`);
    }
  };

  // Products first, in trace order (their operands precede them).
  for (const n of nodes) {
    if (n.kind !== "op" || n.op !== "MatMul" || !row[n.id]) continue;
    const { transposeA, transposeB } = n.attrs as OpAttrs["MatMul"];
    const [aId, wId] = n.inputs as [number, number];
    if (transposeA || !row[aId] || row[wId]) {
      fail("a matrix product is not (per-row values) · (parameters)");
    }
    const wShape = (nodes[wId] as TraceNode).shape;
    if (wShape.length !== 2) fail(`a product's weight has shape [${wShape.join(", ")}]`);
    const k = (nodes[aId] as TraceNode).shape[1] as number;
    const N = n.shape[1] as number;
    const o = operand(wId);
    const a = nodes[aId] as TraceNode;
    if (a.kind === "x") {
      const index = hoisted.length;
      const out = slot("proj", index, N);
      hoisted.push({ operand: o, transposeB, n: N, k, level: 0, out, a: slot("x", "x", k) });
      productOfNode.set(n.id, { slot: out, level: 0 });
      continue;
    }
    const index = products.length;
    let aSlot: number;
    let level: number;
    if (a.kind === "state") {
      aSlot = slot("state", a.name, k);
      level = 1;
    } else {
      if (k % lane !== 0)
        fail(`a product's left operand has width ${k}, not a multiple of ${lane}`);
      aSlot = slot("operand", index, k);
      const parts: number[] = [];
      for (let c = 0; c < k; c += lane) parts.push(expr(aId, c));
      level = Math.max(...parts.map(laneLevel)) + 1;
      for (const [i, e] of parts.entries()) {
        stores.push({ slot: aSlot, col: i * lane, expr: e, level: level - 1 });
      }
    }
    const out = slot("product", index, N);
    products.push({ operand: o, transposeB, n: N, k, level, out, a: aSlot });
    productLevel.push(level);
    productOfNode.set(n.id, { slot: out, level });
  }

  const stateWidths: Record<string, number> = {};
  const stateParts = Object.keys(trace.state);
  for (const part of stateParts) {
    const id = trace.state[part] as number;
    const w = (nodes[id] as TraceNode).shape[1] as number;
    stateWidths[part] = w;
    const target = slot("next", part, w);
    for (let c = 0; c < w; c += lane) {
      const e = expr(id, c);
      stores.push({ slot: target, col: c, expr: e, level: laneLevel(e) });
    }
  }
  // Every previous state part gets a slot: masked rows copy it through.
  for (const part of stateParts) slot("state", part, stateWidths[part] as number);
  const outNode = nodes[trace.output] as OpNode;
  const outputWidth = outNode.shape[1] as number;
  const y = slot("y", "y", outputWidth);
  for (let c = 0; c < outputWidth; c += lane) {
    const e = expr(trace.output, c);
    stores.push({ slot: y, col: c, expr: e, level: laneLevel(e) });
  }
  const lanesUsed = stores.length;
  if (lanesUsed > maxLanes) {
    fail(
      `its element-wise part would need ${lanesUsed} lanes of width ${lane} (at most ${maxLanes})`,
    );
  }
  const levels = Math.max(0, ...stores.map((s) => s.level), ...productLevel);
  return {
    lane,
    slots,
    scalars,
    operands,
    vectors: operands.map((_, i) => vectors[i] ?? -1),
    hoisted,
    products,
    stores,
    levels,
    stateParts,
    outputWidth,
    stateWidths,
  };
}
