/**
 * Where a pass of the derived sequence op finds each operand at each step:
 * the buffers the forward keeps and the backward's gradients, and the
 * affine step addresses (`offset + s·stepStride + r·rowStride`) that a
 * tensor `recurrence` reads them by. Time-ordered buffers walk forwards or
 * backwards with the pass; each state part's T + 1 row blocks hold the
 * previous and the next state at fixed distances.
 */
import type { RecurrenceOp, StepAddress, Storage, Tensor } from "@recurrent/tensor";
import type { Plan } from "./plan.js";
import type { BoundProgram, LevelPrograms, OperandRef } from "./programs.js";

/** What the forward keeps for the backward (time-ordered [T·B, w] buffers unless said). */
export interface Saved {
  proj: Tensor[];
  /** Per state part: [(T + 1)·B, w], the initial state and every step's next state. */
  states: Tensor[];
  prods: Tensor[];
  opnds: (Tensor | null)[];
  /** Per level: the saved activations of its segment, [T·B, savedWidth]. */
  saved: Tensor[];
  x2d: Tensor | null;
  state0: Tensor[];
  vecs: (Tensor | null)[];
  mask: Tensor | null;
}

/** The backward's gradient buffers, addressed like the values they belong to. */
export interface GradBuffers {
  dY: Tensor;
  dProj: Tensor[];
  dProds: Tensor[];
  dOpnds: (Tensor | null)[];
  dX2d: Tensor | null;
  dStates: Tensor[];
  vecGrads: (Tensor | null)[];
}

/** Which way a pass walks time: the time step of the kernel's step 0, and ±1 per step. */
export interface Walk {
  readonly first: number;
  readonly dir: 1 | -1;
  readonly B: number;
}

/** Collects the storages a recurrence reads and writes, one index per storage. */
export class Operands {
  readonly storages: Storage[] = [];
  index(t: Tensor): number {
    let i = this.storages.indexOf(t.storage);
    if (i < 0) {
      i = this.storages.length;
      this.storages.push(t.storage);
    }
    return i;
  }
}

/** Rows of time step t of a time-ordered [T·B, w] buffer (shifted `blocks` row blocks), column `col`. */
function perStep(
  o: Operands,
  t: Tensor,
  walk: Walk,
  col = 0,
  lane = true,
  blocks = 0,
): StepAddress {
  const w = t.shape[1] as number;
  return {
    operand: o.index(t),
    offset: t.offset + (walk.first + blocks) * walk.B * w + col,
    stepStride: walk.dir * walk.B * w,
    rowStride: w,
    colStride: lane ? 1 : 0,
  };
}

/** The same rows every step ([B, w]). */
function fixed(o: Operands, t: Tensor, col = 0, lane = true): StepAddress {
  return {
    operand: o.index(t),
    offset: t.offset + col,
    stepStride: 0,
    rowStride: t.shape[t.rank - 1] as number,
    colStride: lane ? 1 : 0,
  };
}

/** One row for every row and step (a vector). */
function broadcast(o: Operands, t: Tensor, col: number, lane: boolean): StepAddress {
  return {
    operand: o.index(t),
    offset: t.offset + col,
    stepStride: 0,
    rowStride: 0,
    colStride: lane ? 1 : 0,
  };
}

/** Where a pass finds each slot's values and gradients (null where the pass has none). */
interface Places {
  value(slot: number, col: number, lane: boolean): StepAddress;
  grad(slot: number, col: number, lane: boolean): StepAddress;
}

/** Row block offsets of the previous and the next state of step t within `states`. */
const prevShift = (reverse: boolean) => (reverse ? 1 : 0);
const nextShift = (reverse: boolean) => (reverse ? 0 : 1);

export function slotPlaces(
  plan: Plan,
  s: Saved,
  y: Tensor | null,
  g: GradBuffers | null,
  o: Operands,
  walk: Walk,
  reverse: boolean,
): Places {
  const { lowered } = plan;
  const parts = lowered.stateParts;
  const none = (what: string): never => {
    throw new Error(`derived path: no ${what} in this pass`);
  };
  const place = (slot: number, col: number, lane: boolean, grad: boolean): StepAddress => {
    const sl = lowered.slots[slot];
    const key = sl?.key as number;
    const at = (t: Tensor | null | undefined, blocks = 0) =>
      t == null
        ? none(`${sl?.kind} ${grad ? "gradient" : "value"}`)
        : perStep(o, t, walk, col, lane, blocks);
    switch (sl?.kind) {
      case "x":
        return at(grad ? g?.dX2d : s.x2d);
      case "proj":
        return at(grad ? g?.dProj[key] : s.proj[key]);
      case "product":
        return at(grad ? g?.dProds[key] : s.prods[key]);
      case "y":
        return at(grad ? g?.dY : y);
      case "operand": {
        if (!grad) return at(s.opnds[key]);
        const d = g?.dOpnds[key];
        return d == null ? none("operand gradient") : fixed(o, d, col, lane);
      }
      case "state":
      case "next": {
        const i = parts.indexOf(sl.key as string);
        const t = grad ? g?.dStates[i] : s.states[i];
        return at(t, sl.kind === "state" ? prevShift(reverse) : nextShift(reverse));
      }
      default:
        return none(`slot ${slot}`);
    }
  };
  return {
    value: (slot, col, lane) => place(slot, col, lane, false),
    grad: (slot, col, lane) => place(slot, col, lane, true),
  };
}

/** A level's program with its operands placed for this pass. */
export function programOp(
  bound: BoundProgram,
  level: LevelPrograms,
  places: Places,
  s: Saved,
  vecGrads: readonly (Tensor | null)[] | null,
  o: Operands,
  walk: Walk,
  width: number,
): RecurrenceOp {
  const act = s.saved[level.level] as Tensor;
  const operands = bound.operands.map((ref: OperandRef): StepAddress => {
    switch (ref.kind) {
      case "slot":
        return places.value(ref.slot, ref.col, ref.lane);
      case "grad":
        return places.grad(ref.slot, ref.col, ref.lane);
      case "vec":
        return broadcast(o, s.vecs[ref.vec] as Tensor, ref.col, ref.lane);
      case "vecGrad":
        return broadcast(o, vecGrads?.[ref.vec] as Tensor, ref.col, ref.lane);
      case "saved":
        return perStep(o, act, walk, ref.col);
      default: {
        // The mask: one scalar per row, time-ordered [T, B].
        const m = s.mask as Tensor;
        return {
          operand: o.index(m),
          offset: m.offset + walk.first * walk.B,
          stepStride: walk.dir * walk.B,
          rowStride: 1,
          colStride: 0,
        };
      }
    }
  });
  return { kind: "program", program: bound.program, operands, width };
}
