/**
 * Row programs: one element-wise program run over `rows` rows × `width`
 * columns of several operands, the generic primitive a fused step of any
 * cell lowers onto (the matrix products stay in `gemm`). A program is data,
 * not code, so every backend runs it with an interpreter and no code is
 * generated at run time (it works under a Content-Security-Policy that
 * forbids `eval` and WebAssembly compilation of new modules).
 *
 * Format. `code` holds instructions of 4 int32 each, `[op, dst, a, b]`.
 * Registers r0..r(registers-1) are scratch rows `width` long; they may alias
 * (`dst == a` works). For each row r in order 0..rows-1 the whole program runs
 * on that row, so a row's registers stay in cache.
 *
 * Operands are addressed by `layout`, 3 int32 per operand k:
 * `[offset, rowStride, colStride]` in elements, colStride ∈ {0, 1}; element
 * (r, j) of operand k is `operands[k].array[offset + r·rowStride + j·colStride]`.
 * rowStride 0 broadcasts one row to every row (a bias, a peephole vector);
 * colStride 0 makes a per-row scalar (a mask). The caller may change `layout`
 * between calls (one time step to the next); kernels read it on each call.
 *
 * Ops (`a`, `b` are registers unless said):
 * - LOAD dst, k: dst[j] = operand k (r, j).
 * - STORE k, src (the dst field is the operand): operand k (r, j) = src[j]; colStride must be 1.
 * - ACCUMULATE k, src: operand k (r, j) += src[j]. With colStride 0 the operand's
 *   one element per row gets Σ_j src[j]; with rowStride 0 the rows add into the
 *   same row in order, which sums a bias or peephole gradient deterministically.
 * - CONST dst, c: dst[j] = constants[c].
 * - COPY dst, a. ADD SUB MUL DIV MAX MIN dst, a, b.
 * - NEG, ONE_MINUS (1 − a), SQUARE, SQRT, RSQRT (1/√a), RECIP, ABS, EXP, LOG,
 *   SIGMOID, TANH, RELU, STEP (a > 0 ? 1 : 0): dst, a.
 * - FMA dst, a, b: dst[j] += a[j]·b[j] (the product rounded to float32 first, on every backend).
 * - ROWSUM dst, a: every dst[j] = Σ_i a[i] (layer norm's mean and variance).
 * - WHERE_POS dst, a, b: dst[j] = dst[j] > 0 ? a[j] : b[j].
 *
 * Storage is float32, or float64 (all operands of one call share a dtype;
 * float64 runs on the js interpreter, for gradient checks). New ops may be added at the end of `RowOp`; existing
 * numbers never change.
 */
import { TensorError } from "./errors.js";
import type { Storage } from "./storage.js";

/** Op codes of a row program (see the format at the top of this file). */
export const RowOp = {
  LOAD: 0,
  STORE: 1,
  ACCUMULATE: 2,
  CONST: 3,
  COPY: 4,
  ADD: 5,
  SUB: 6,
  MUL: 7,
  DIV: 8,
  MAX: 9,
  MIN: 10,
  NEG: 11,
  ONE_MINUS: 12,
  SQUARE: 13,
  SQRT: 14,
  RSQRT: 15,
  RECIP: 16,
  ABS: 17,
  EXP: 18,
  LOG: 19,
  SIGMOID: 20,
  TANH: 21,
  RELU: 22,
  STEP: 23,
  FMA: 24,
  ROWSUM: 25,
  WHERE_POS: 26,
} as const;

export type RowOpCode = (typeof RowOp)[keyof typeof RowOp];

/** Number of op codes; every op is in 0..ROW_OP_COUNT-1. */
export const ROW_OP_COUNT = 27;

export interface RowProgram {
  /** Instructions of 4 int32 each: [op, dst, a, b]. */
  readonly code: Int32Array;
  /** Immediates for CONST. */
  readonly constants: Float32Array;
  /** Number of width-long scratch registers r0..r(n-1). */
  readonly registers: number;
}

/** The kernel's signature (`Kernels.rowProgram`). */
export type RowProgramKernel = (
  program: RowProgram,
  operands: readonly Storage[],
  layout: Int32Array,
  rows: number,
  width: number,
) => void;

/** How each instruction's fields are read: r = register, o = operand, c = constant, - = unused. */
const FIELDS: readonly string[] = (() => {
  const f: string[] = [];
  f[RowOp.LOAD] = "ro-";
  f[RowOp.STORE] = "or-";
  f[RowOp.ACCUMULATE] = "or-";
  f[RowOp.CONST] = "rc-";
  for (const op of [RowOp.ADD, RowOp.SUB, RowOp.MUL, RowOp.DIV, RowOp.MAX, RowOp.MIN])
    f[op] = "rrr";
  for (const op of [RowOp.FMA, RowOp.WHERE_POS]) f[op] = "rrr";
  for (let op = 0; op < ROW_OP_COUNT; op++) f[op] ??= "rr-";
  return f;
})();

interface Checked {
  /** Operands each instruction stores into (colStride must be 1 for STORE). */
  readonly stored: readonly boolean[];
  readonly used: readonly boolean[];
  readonly operandCount: number;
}

const checkedPrograms = new WeakMap<RowProgram, Checked>();

function programError(where: string, expected: string, got: string): TensorError {
  return new TensorError("ARGUMENT", `rowProgram: ${where}: expected ${expected}, got ${got}`);
}

/** Validate a program's instructions once per program object (cached). */
function checkProgram(program: RowProgram): Checked {
  const cached = checkedPrograms.get(program);
  if (cached !== undefined) return cached;
  const { code, constants, registers } = program;
  if (!(code instanceof Int32Array) || code.length % 4 !== 0) {
    throw programError(
      "code",
      "an Int32Array of 4 int32 per instruction",
      `length ${code?.length}`,
    );
  }
  if (!Number.isInteger(registers) || registers < 0) {
    throw programError("registers", "a non-negative integer", String(registers));
  }
  const stored: boolean[] = [];
  const used: boolean[] = [];
  let operandCount = 0;
  for (let pc = 0; pc < code.length; pc += 4) {
    const op = code[pc] as number;
    const at = `instruction ${pc / 4} [${Array.from(code.subarray(pc, pc + 4)).join(",")}]`;
    if (op < 0 || op >= ROW_OP_COUNT) {
      throw programError(at, `an op code in 0..${ROW_OP_COUNT - 1}`, String(op));
    }
    const kinds = FIELDS[op] as string;
    for (let f = 0; f < 3; f++) {
      const v = code[pc + 1 + f] as number;
      const kind = kinds[f];
      if (kind === "r" && (v < 0 || v >= registers)) {
        throw programError(at, `register in 0..${registers - 1} in field ${f + 1}`, String(v));
      }
      if (kind === "c" && (v < 0 || v >= constants.length)) {
        throw programError(at, `constant index in 0..${constants.length - 1}`, String(v));
      }
      if (kind === "o") {
        if (v < 0) throw programError(at, "operand index ≥ 0", String(v));
        operandCount = Math.max(operandCount, v + 1);
        used[v] = true;
        if (op === RowOp.STORE) stored[v] = true;
      }
    }
  }
  const checked = { stored, used, operandCount };
  checkedPrograms.set(program, checked);
  return checked;
}

/**
 * Check a call's program, operands and layout; throws a TensorError naming
 * what is wrong before any work starts. The program part is checked once per
 * program object; the layout (which changes per call) costs O(operands).
 */
export function checkRowProgramCall(
  program: RowProgram,
  operands: readonly Storage[],
  layout: Int32Array,
  rows: number,
  width: number,
): void {
  const { stored, used, operandCount } = checkProgram(program);
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(width) || width < 0) {
    throw programError("rows/width", "non-negative integers", `${rows} × ${width}`);
  }
  if (operands.length < operandCount) {
    throw programError("operands", `at least ${operandCount} operands`, String(operands.length));
  }
  if (layout.length < 3 * operands.length) {
    throw programError(
      "layout",
      `3 int32 per operand (${3 * operands.length})`,
      `length ${layout.length}`,
    );
  }
  if (rows === 0 || width === 0) return;
  let dtype: string | null = null;
  for (let k = 0; k < operandCount; k++) {
    if (used[k] !== true) continue;
    const s = operands[k] as Storage;
    s.assertLive("rowProgram");
    if (s.dtype !== "float32" && s.dtype !== "float64") {
      throw programError(`operand ${k}`, "float32 or float64 storage", s.dtype);
    }
    dtype ??= s.dtype;
    if (s.dtype !== dtype) {
      throw programError(`operand ${k}`, `${dtype} storage like the operands before it`, s.dtype);
    }
    const offset = layout[3 * k] as number;
    const rowStride = layout[3 * k + 1] as number;
    const colStride = layout[3 * k + 2] as number;
    if (colStride !== 0 && colStride !== 1) {
      throw programError(`layout of operand ${k}`, "colStride 0 or 1", String(colStride));
    }
    if (stored[k] === true && colStride !== 1) {
      throw programError(`operand ${k} (STORE)`, "colStride 1", String(colStride));
    }
    if (rowStride < 0 || offset < 0) {
      throw programError(
        `layout of operand ${k}`,
        "offset and rowStride ≥ 0",
        `${offset}, ${rowStride}`,
      );
    }
    const last = offset + (rows - 1) * rowStride + (width - 1) * colStride;
    if (last >= s.length) {
      throw programError(
        `operand ${k}`,
        `storage of more than ${last} elements for [offset ${offset}, rowStride ${rowStride}, colStride ${colStride}] over ${rows} × ${width}`,
        `${s.length} elements`,
      );
    }
  }
}
