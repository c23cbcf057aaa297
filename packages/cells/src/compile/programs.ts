/**
 * The element-wise part of a lowered step as row programs (the generic
 * `rowProgram` kernel of @recurrent/tensor): per level one forward program
 * and one backward program, run over B rows × L lane columns per step. A
 * program is data, so no code is generated at run time (it runs under any
 * Content-Security-Policy) and every backend runs every cell.
 *
 * The backward is reverse-mode differentiation of the level's scalar graph:
 * it reloads the activations the forward saved (sigmoid, tanh, exp, …), and
 * recomputes the rest on demand, seeds each stored value's adjoint with its
 * incoming gradient, walks the graph in reverse applying one rule per op
 * (the maths beside each rule) and accumulates each load's adjoint into its
 * gradient buffer. Loads broadcast over lanes or rows (biases, peephole
 * vectors, per-row scalars) accumulate as sums over the broadcast axes,
 * which ACCUMULATE does.
 *
 * Masked rows (padding, mask 0): the forward's stores keep the previous
 * state and write 0 outputs (WHERE_POS on the mask); the backward's seeds are
 * 0 there and the next state's gradient passes straight to the previous one.
 *
 * Operands are symbolic (`OperandRef`): the caller binds each to a storage
 * and a layout per step (see sequence.ts and stepper.ts).
 */
import { RowOp, type RowProgram } from "@recurrent/tensor";
import type { Lowered, Scalar, Store } from "./lower.js";

/** What one program operand is: the caller turns it into storage + [offset, rowStride, colStride]. */
export type OperandRef =
  /** Slot `slot`'s value at column `col` (+ j when `lane`, else a per-row scalar). */
  | { readonly kind: "slot"; readonly slot: number; readonly col: number; readonly lane: boolean }
  /** The gradient buffer of slot `slot`, addressed like its value. */
  | { readonly kind: "grad"; readonly slot: number; readonly col: number; readonly lane: boolean }
  /** Vector `vec` (one row for every row) at column `col`. */
  | { readonly kind: "vec"; readonly vec: number; readonly col: number; readonly lane: boolean }
  /** The gradient of vector `vec` (rows add into it). */
  | { readonly kind: "vecGrad"; readonly vec: number; readonly col: number; readonly lane: boolean }
  /** This step's saved activations at column `col`. */
  | { readonly kind: "saved"; readonly col: number }
  /** This step's mask, one scalar per row. */
  | { readonly kind: "mask" };

export interface BoundProgram {
  readonly program: RowProgram;
  readonly operands: readonly OperandRef[];
}

export interface LevelPrograms {
  readonly level: number;
  readonly forward: BoundProgram;
  /** The forward without saving activations (generation needs no backward). */
  readonly inference: BoundProgram;
  readonly backward: BoundProgram;
  /** Row width of the buffer of saved activations (0: none). */
  readonly savedWidth: number;
}

/** Ops whose derivative needs only their output: the forward saves it, the backward reloads it. */
const savedOps = new Set(["sigmoid", "tanh", "exp", "sqrt", "rsqrt", "reciprocal"]);

const unaryCode: Partial<Record<string, number>> = {
  neg: RowOp.NEG,
  sigmoid: RowOp.SIGMOID,
  tanh: RowOp.TANH,
  relu: RowOp.RELU,
  exp: RowOp.EXP,
  log: RowOp.LOG,
  square: RowOp.SQUARE,
  sqrt: RowOp.SQRT,
  rsqrt: RowOp.RSQRT,
  reciprocal: RowOp.RECIP,
  abs: RowOp.ABS,
};
const binaryCode: Partial<Record<string, number>> = {
  add: RowOp.ADD,
  sub: RowOp.SUB,
  mul: RowOp.MUL,
  div: RowOp.DIV,
  maximum: RowOp.MAX,
  minimum: RowOp.MIN,
};

/**
 * Builds one program over virtual registers, then maps them onto as few
 * physical registers as their lifetimes allow (each is L floats per row, so
 * fewer registers stay in cache).
 */
class ProgramBuilder {
  private readonly code: number[][] = [];
  private readonly constants: number[] = [];
  private readonly refs: OperandRef[] = [];
  private readonly refKeys = new Map<string, number>();
  private regs = 0;

  reg(): number {
    return this.regs++;
  }

  operand(ref: OperandRef): number {
    const key = JSON.stringify(ref);
    let k = this.refKeys.get(key);
    if (k === undefined) {
      k = this.refs.length;
      this.refs.push(ref);
      this.refKeys.set(key, k);
    }
    return k;
  }

  constant(value: number): number {
    const dst = this.reg();
    let c = this.constants.indexOf(value);
    if (c < 0 || Object.is(value, -0)) {
      c = this.constants.length;
      this.constants.push(value);
    }
    this.code.push([RowOp.CONST, dst, c, 0]);
    return dst;
  }

  load(ref: OperandRef): number {
    const dst = this.reg();
    this.code.push([RowOp.LOAD, dst, this.operand(ref), 0]);
    return dst;
  }

  op(code: number, a: number, b = 0): number {
    const dst = this.reg();
    this.code.push([code, dst, a, b]);
    return dst;
  }

  /** dst[j] = dst[j] + a[j]·b[j], in place. */
  fma(dst: number, a: number, b: number): void {
    this.code.push([RowOp.FMA, dst, a, b]);
  }

  /** In place: dst = dst op a (ADD, SUB). */
  update(code: number, dst: number, a: number): void {
    this.code.push([code, dst, dst, a]);
  }

  /** mask > 0 ? a : b, per row. */
  where(mask: number, a: number, b: number): number {
    const dst = this.op(RowOp.COPY, mask);
    this.code.push([RowOp.WHERE_POS, dst, a, b]);
    return dst;
  }

  store(ref: OperandRef, src: number): void {
    this.code.push([RowOp.STORE, this.operand(ref), src, 0]);
  }

  accumulate(ref: OperandRef, src: number): void {
    this.code.push([RowOp.ACCUMULATE, this.operand(ref), src, 0]);
  }

  /** The program with registers allocated by lifetime. */
  build(): BoundProgram {
    const { code } = this;
    // Field kinds per op: which fields name registers read (r), written (w), or both (x).
    const fields = (op: number): string =>
      op === RowOp.LOAD || op === RowOp.CONST
        ? "w--"
        : op === RowOp.STORE || op === RowOp.ACCUMULATE
          ? "-r-"
          : op === RowOp.FMA || op === RowOp.WHERE_POS
            ? "xrr"
            : unaryOps.has(op)
              ? "wr-"
              : "wrr";
    const last = new Array<number>(this.regs).fill(-1);
    code.forEach((ins, pc) => {
      const f = fields(ins[0] as number);
      for (let i = 0; i < 3; i++) if (f[i] !== "-") last[ins[1 + i] as number] = pc;
    });
    const physical = new Array<number>(this.regs).fill(-1);
    const free: number[] = [];
    let count = 0;
    const out = new Int32Array(code.length * 4);
    code.forEach((ins, pc) => {
      const f = fields(ins[0] as number);
      const mapped = [ins[0] as number, ins[1] as number, ins[2] as number, ins[3] as number];
      for (let i = 0; i < 3; i++) {
        if (f[i] === "-") continue;
        const v = ins[1 + i] as number;
        if (physical[v] === -1) physical[v] = free.pop() ?? count++;
        mapped[1 + i] = physical[v] as number;
      }
      // Registers whose last use is here are free for the next instruction (never this one's dst).
      for (let i = 0; i < 3; i++) {
        if (f[i] === "-") continue;
        const v = ins[1 + i] as number;
        if (last[v] === pc && physical[v] !== -1) {
          free.push(physical[v] as number);
          physical[v] = -2;
        }
      }
      out.set(mapped, pc * 4);
    });
    return {
      program: { code: out, constants: Float32Array.from(this.constants), registers: count },
      operands: this.refs,
    };
  }
}

const unaryOps = new Set<number>([
  RowOp.COPY,
  RowOp.NEG,
  RowOp.ONE_MINUS,
  RowOp.SQUARE,
  RowOp.SQRT,
  RowOp.RSQRT,
  RowOp.RECIP,
  RowOp.ABS,
  RowOp.EXP,
  RowOp.LOG,
  RowOp.SIGMOID,
  RowOp.TANH,
  RowOp.RELU,
  RowOp.STEP,
  RowOp.ROWSUM,
]);

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

export function stateSlot(lowered: Lowered, part: string): number {
  return lowered.slots.findIndex((s) => s.kind === "state" && s.key === part);
}

/** The value of a load or vector scalar, as an operand. */
function valueRef(s: Scalar & { t: "load" | "vec" }): OperandRef {
  return s.t === "load"
    ? { kind: "slot", slot: s.slot, col: s.col, lane: s.lane }
    : { kind: "vec", vec: s.vec, col: s.col, lane: s.lane };
}

/** Emits op `s` on argument registers. */
function emitOp(p: ProgramBuilder, s: Scalar & { t: "op" }, args: readonly number[]): number {
  const [x, y] = args as [number, number];
  const unary = unaryCode[s.op];
  if (unary !== undefined) return p.op(unary, x);
  const binary = binaryCode[s.op];
  if (binary !== undefined) return p.op(binary, x, y);
  // clip(x) = min(max(x, lo), hi)
  return p.op(
    RowOp.MIN,
    p.op(RowOp.MAX, x, p.constant(s.min ?? -Infinity)),
    p.constant(s.max ?? Infinity),
  );
}

/** Programs for level `level` of a lowered step, or null when the level has no element-wise work. */
export function levelPrograms(
  lowered: Lowered,
  level: number,
  masked: boolean,
): LevelPrograms | null {
  const stores = lowered.stores.filter((s) => s.level === level);
  if (stores.length === 0) return null;
  const order = needed(lowered, stores);
  const L = lowered.lane;
  const savedCol = new Map<number, number>();
  for (const i of order) {
    const s = lowered.scalars[i] as Scalar;
    if (s.t === "op" && savedOps.has(s.op)) savedCol.set(i, savedCol.size * L);
  }
  const nextOf = (st: Store): number | null => {
    const slot = lowered.slots[st.slot];
    return slot?.kind === "next" ? stateSlot(lowered, slot.key as string) : null;
  };

  const forwardProgram = (save: boolean): BoundProgram => {
    const p = new ProgramBuilder();
    const value = new Map<number, number>();
    for (const i of order) {
      const s = lowered.scalars[i] as Scalar;
      if (s.t === "load" || s.t === "vec") value.set(i, p.load(valueRef(s)));
      else if (s.t === "const") value.set(i, p.constant(s.value));
      else {
        const v = emitOp(
          p,
          s,
          s.args.map((a) => value.get(a) as number),
        );
        value.set(i, v);
        const col = savedCol.get(i);
        if (save && col !== undefined) p.store({ kind: "saved", col }, v);
      }
    }
    const mask = masked ? p.load({ kind: "mask" }) : -1;
    for (const st of stores) {
      let v = value.get(st.expr) as number;
      if (masked) {
        const from = nextOf(st);
        const kept =
          from === null
            ? p.constant(0)
            : p.load({ kind: "slot", slot: from, col: st.col, lane: true });
        v = p.where(mask, v, kept);
      }
      p.store({ kind: "slot", slot: st.slot, col: st.col, lane: true }, v);
    }
    return p.build();
  };

  const backwardProgram = (): BoundProgram => {
    const p = new ProgramBuilder();
    const value = new Map<number, number>();
    /** The forward value of scalar i: reloaded when saved, else recomputed once. */
    const forwardValue = (i: number): number => {
      const known = value.get(i);
      if (known !== undefined) return known;
      const s = lowered.scalars[i] as Scalar;
      const col = savedCol.get(i);
      let v: number;
      if (s.t === "load" || s.t === "vec") v = p.load(valueRef(s));
      else if (s.t === "const") v = p.constant(s.value);
      else if (col !== undefined) v = p.load({ kind: "saved", col });
      else v = emitOp(p, s, s.args.map(forwardValue));
      value.set(i, v);
      return v;
    };
    // An adjoint may share a register it was handed (`owned` false) until it is first updated;
    // then it gets a register of its own, so no other adjoint changes with it.
    const adjoint = new Map<number, { reg: number; owned: boolean }>();
    const isConst = (i: number) => (lowered.scalars[i] as Scalar).t === "const";
    /** adjoint[i] += t */
    const add = (i: number, t: number) => {
      if (isConst(i)) return;
      const g = adjoint.get(i);
      if (g === undefined) adjoint.set(i, { reg: t, owned: false });
      else if (g.owned) p.update(RowOp.ADD, g.reg, t);
      else adjoint.set(i, { reg: p.op(RowOp.ADD, g.reg, t), owned: true });
    };
    /** adjoint[i] −= t */
    const subtract = (i: number, t: number) => {
      if (isConst(i)) return;
      const g = adjoint.get(i);
      if (g === undefined) adjoint.set(i, { reg: p.op(RowOp.NEG, t), owned: true });
      else if (g.owned) p.update(RowOp.SUB, g.reg, t);
      else adjoint.set(i, { reg: p.op(RowOp.SUB, g.reg, t), owned: true });
    };
    /** adjoint[i] += a·b */
    const addProduct = (i: number, a: number, b: number) => {
      if (isConst(i)) return;
      const g = adjoint.get(i);
      if (g === undefined) adjoint.set(i, { reg: p.op(RowOp.MUL, a, b), owned: true });
      else if (g.owned) p.fma(g.reg, a, b);
      else {
        const own = p.op(RowOp.MUL, a, b);
        p.update(RowOp.ADD, own, g.reg);
        adjoint.set(i, { reg: own, owned: true });
      }
    };
    const mask = masked ? p.load({ kind: "mask" }) : -1;
    const zero = masked ? p.constant(0) : -1;
    for (const st of stores) {
      if (isConst(st.expr)) continue;
      let g = p.load({ kind: "grad", slot: st.slot, col: st.col, lane: true });
      if (masked) g = p.where(mask, g, zero);
      add(st.expr, g);
    }
    for (const i of [...order].reverse()) {
      const s = lowered.scalars[i] as Scalar;
      const g = adjoint.get(i)?.reg;
      if (g === undefined) continue;
      if (s.t === "load") {
        p.accumulate({ kind: "grad", slot: s.slot, col: s.col, lane: s.lane }, g);
        continue;
      }
      if (s.t === "vec") {
        p.accumulate({ kind: "vecGrad", vec: s.vec, col: s.col, lane: s.lane }, g);
        continue;
      }
      if (s.t !== "op") continue;
      const [x, y] = s.args as [number, number];
      const v = () => forwardValue(i);
      switch (s.op) {
        case "add": // d(x + y) = dx + dy
          add(x, g);
          add(y, g);
          break;
        case "sub": // d(x − y) = dx − dy
          add(x, g);
          subtract(y, g);
          break;
        case "mul": // d(xy) = y dx + x dy
          addProduct(x, g, forwardValue(y));
          addProduct(y, g, forwardValue(x));
          break;
        case "div": {
          // d(x/y) = dx/y − (x/y)·dy/y
          const gy = p.op(RowOp.DIV, g, forwardValue(y));
          add(x, gy);
          if (!isConst(y)) subtract(y, p.op(RowOp.MUL, gy, v()));
          break;
        }
        case "neg": // d(−x) = −dx
          subtract(x, g);
          break;
        case "sigmoid": // σ' = σ(1 − σ)
          addProduct(x, g, p.op(RowOp.MUL, v(), p.op(RowOp.ONE_MINUS, v())));
          break;
        case "tanh": // tanh' = 1 − tanh²
          addProduct(x, g, p.op(RowOp.ONE_MINUS, p.op(RowOp.SQUARE, v())));
          break;
        case "relu": // relu' = [x > 0]
          addProduct(x, g, p.op(RowOp.STEP, forwardValue(x)));
          break;
        case "exp": // exp' = exp
          addProduct(x, g, v());
          break;
        case "log": // log' = 1/x
          add(x, p.op(RowOp.DIV, g, forwardValue(x)));
          break;
        case "square": {
          // (x²)' = 2x
          const vx = forwardValue(x);
          addProduct(x, g, p.op(RowOp.ADD, vx, vx));
          break;
        }
        case "sqrt": // √x' = 1/(2√x)
          add(x, p.op(RowOp.DIV, g, p.op(RowOp.ADD, v(), v())));
          break;
        case "rsqrt": // (x^−½)' = −½ x^−3/2 = −½ v³
          addProduct(
            x,
            g,
            p.op(RowOp.MUL, p.op(RowOp.MUL, p.op(RowOp.SQUARE, v()), v()), p.constant(-0.5)),
          );
          break;
        case "reciprocal": // (1/x)' = −1/x² = −v²
          subtract(x, p.op(RowOp.MUL, g, p.op(RowOp.SQUARE, v())));
          break;
        case "abs": {
          // |x|' = sign x = [x > 0] − [−x > 0]
          const vx = forwardValue(x);
          const sign = p.op(RowOp.SUB, p.op(RowOp.STEP, vx), p.op(RowOp.STEP, p.op(RowOp.NEG, vx)));
          addProduct(x, g, sign);
          break;
        }
        case "maximum":
        case "minimum": {
          // The larger (smaller) argument takes the gradient, x on ties: y gets it where y > x (y < x).
          const [vx, vy] = [forwardValue(x), forwardValue(y)];
          const toY = p.op(
            RowOp.STEP,
            s.op === "maximum" ? p.op(RowOp.SUB, vy, vx) : p.op(RowOp.SUB, vx, vy),
          );
          const gy = p.op(RowOp.MUL, g, toY);
          add(x, p.op(RowOp.SUB, g, gy));
          add(y, gy);
          break;
        }
        case "clip": {
          // Passes the gradient inside [min, max]: 1 − [x − max > 0] − [min − x > 0]
          const vx = forwardValue(x);
          const above = p.op(RowOp.STEP, p.op(RowOp.SUB, vx, p.constant(s.max ?? Infinity)));
          const below = p.op(RowOp.STEP, p.op(RowOp.SUB, p.constant(s.min ?? -Infinity), vx));
          addProduct(x, g, p.op(RowOp.ONE_MINUS, p.op(RowOp.ADD, above, below)));
          break;
        }
      }
    }
    if (masked) {
      // Masked rows: the next state's gradient passes to the previous state.
      for (const st of stores) {
        const from = nextOf(st);
        if (from === null) continue;
        const gNext = p.load({ kind: "grad", slot: st.slot, col: st.col, lane: true });
        p.accumulate(
          { kind: "grad", slot: from, col: st.col, lane: true },
          p.where(mask, zero, gNext),
        );
      }
    }
    return p.build();
  };

  return {
    level,
    forward: forwardProgram(true),
    inference: forwardProgram(false),
    backward: backwardProgram(),
    savedWidth: savedCol.size * L,
  };
}
