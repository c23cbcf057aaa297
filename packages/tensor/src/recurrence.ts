/**
 * A recurrence: the same few array operations run for `steps` steps over the
 * same `rows`, each step reading what the previous one wrote. It is the
 * generic primitive a recurrent layer's whole sequence lowers onto (cells
 * build it from a cell's traced step; nothing here knows any particular cell):
 * per step, packed-B GEMMs (`out_s = a_s·B + beta·out_s`) and row programs
 * (row-program.ts), in order.
 *
 * Every operand is addressed affinely in the step: element (s, r, j) of an
 * address is `operands[k].array[offset + s·stepStride + r·rowStride +
 * j·colStride]`. stepStride may be negative (a reversed sequence) or 0 (a
 * buffer every step reuses). Rows never interact inside a recurrence except
 * through a row program's ACCUMULATE into a row-broadcast operand (rowStride
 * 0), so a backend may split the rows over threads and run every step of
 * its block with no synchronisation between steps, giving each block its
 * own copy of such an accumulated operand (the wasm backend does).
 *
 * `runRecurrence` is the generic implementation over the backend's
 * `gemmPacked` and `rowProgram` kernels; a backend may run the whole loop
 * itself (the wasm backend does, in one call, split over its threads).
 */
import { kernel, type View } from "./backend.js";
import { TensorError } from "./errors.js";
import type { PackedB } from "./packed-b.js";
import type { RowProgram } from "./row-program.js";
import type { Storage } from "./storage.js";

/** Where an operand's elements are at each step (element units; see the top of this file). */
export interface StepAddress {
  readonly operand: number;
  readonly offset: number;
  readonly stepStride: number;
  readonly rowStride: number;
  /** 1: a row of consecutive elements; 0: one element per row, broadcast (row programs only). */
  readonly colStride: 0 | 1;
}

export type RecurrenceOp =
  /** out_s = a_s·B + beta·out_s: a_s is [rows, B.k], out_s [rows, B.n], both with colStride 1. */
  | {
      readonly kind: "gemm";
      readonly a: StepAddress;
      readonly b: PackedB;
      readonly out: StepAddress;
      readonly beta: 0 | 1;
    }
  /** The program over [rows, width]; its operand k is `operands[k]` at this step. */
  | {
      readonly kind: "program";
      readonly program: RowProgram;
      readonly operands: readonly StepAddress[];
      readonly width: number;
    };

export interface Recurrence {
  readonly steps: number;
  readonly rows: number;
  readonly ops: readonly RecurrenceOp[];
}

/** The kernel's signature (`Kernels.recurrence`). */
export type RecurrenceKernel = (spec: Recurrence, operands: readonly Storage[]) => void;

function recurrenceError(where: string, expected: string, got: string): TensorError {
  return new TensorError("ARGUMENT", `recurrence: ${where}: expected ${expected}, got ${got}`);
}

/**
 * Throws, naming the op and the address, unless every element any step
 * touches lies inside its storage (an affine address reaches its extremes at
 * the corners, so four corners per address suffice).
 */
export function checkRecurrence(spec: Recurrence, operands: readonly Storage[]): void {
  const { steps, rows } = spec;
  if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(rows) || rows < 0) {
    throw recurrenceError("steps/rows", "non-negative integers", `${steps} × ${rows}`);
  }
  if (steps === 0 || rows === 0) return;
  const inside = (where: string, at: StepAddress, width: number) => {
    const s = operands[at.operand];
    if (s === undefined) {
      throw recurrenceError(
        `${where} operand`,
        `an index below ${operands.length}`,
        String(at.operand),
      );
    }
    s.assertLive("recurrence");
    const corners = [0, steps - 1].flatMap((st) =>
      [0, rows - 1].map((r) => at.offset + st * at.stepStride + r * at.rowStride),
    );
    const low = Math.min(...corners);
    const high = Math.max(...corners) + (width - 1) * at.colStride;
    if (low < 0 || high >= s.length || at.rowStride < 0) {
      throw recurrenceError(
        where,
        `elements 0..${s.length - 1} of operand ${at.operand} (rowStride ≥ 0)`,
        `elements ${low}..${high} for [offset ${at.offset}, stepStride ${at.stepStride}, rowStride ${at.rowStride}] over ${steps} steps × ${rows} rows × ${width}`,
      );
    }
  };
  spec.ops.forEach((op, i) => {
    if (op.kind === "gemm") {
      if (op.a.colStride !== 1 || op.out.colStride !== 1) {
        throw recurrenceError(
          `op ${i} (gemm)`,
          "colStride 1 for a and out",
          `${op.a.colStride}, ${op.out.colStride}`,
        );
      }
      inside(`op ${i} (gemm) a`, op.a, op.b.k);
      inside(`op ${i} (gemm) out`, op.out, op.b.n);
    } else {
      op.operands.forEach((at, k) => {
        inside(`op ${i} (program) operand ${k}`, at, op.width);
      });
    }
  });
}

interface MovingView extends View {
  offset: number;
}

/**
 * The generic recurrence: the loop over steps, calling the active backend's
 * `gemmPacked` and `rowProgram` (any backend that has those runs it).
 */
export function runRecurrence(spec: Recurrence, operands: readonly Storage[]): void {
  checkRecurrence(spec, operands);
  const { steps, rows } = spec;
  if (steps === 0 || rows === 0) return;
  const gemmPacked = kernel("gemmPacked");
  const rowProgram = kernel("rowProgram");
  const view = (at: StepAddress, width: number): MovingView => {
    const s = operands[at.operand] as Storage;
    return {
      storage: s,
      dtype: s.dtype,
      shape: [rows, width],
      strides: [at.rowStride, 1],
      offset: 0,
    };
  };
  const runs = spec.ops.map((op) => {
    if (op.kind === "gemm") {
      const a = view(op.a, op.b.k);
      const out = view(op.out, op.b.n);
      const gemmSpec = { transposeA: false, alpha: 1, beta: op.beta };
      return (s: number) => {
        a.offset = op.a.offset + s * op.a.stepStride;
        out.offset = op.out.offset + s * op.out.stepStride;
        gemmPacked(a, op.b, out, gemmSpec);
      };
    }
    const storages = op.operands.map((at) => operands[at.operand] as Storage);
    const layout = new Int32Array(3 * op.operands.length);
    return (s: number) => {
      op.operands.forEach((at, k) => {
        layout[3 * k] = at.offset + s * at.stepStride;
        layout[3 * k + 1] = at.rowStride;
        layout[3 * k + 2] = at.colStride;
      });
      rowProgram(op.program, storages, layout, rows, op.width);
    };
  });
  for (let s = 0; s < steps; s++) for (const run of runs) run(s);
}
