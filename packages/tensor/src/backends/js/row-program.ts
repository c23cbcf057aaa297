/**
 * The js backend's row-program interpreter (format in ../../row-program.ts):
 * the reference the wasm interpreter is tested against. Each row runs the
 * whole program over width-long registers of the operands' dtype (float32:
 * values are computed with Math in float64 and rounded to float32 when
 * stored in a register; float64 keeps them whole, for gradient checks).
 */
import { checkRowProgramCall, RowOp, type RowProgram } from "../../row-program.js";
import type { Storage } from "../../storage.js";
import { unaryFns } from "./elementwise.js";

let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/** Registers for a call: float64 when the operands are, else float32. */
function registersFor(operands: readonly Storage[], length: number): Float32Array | Float64Array {
  if (operands.some((s) => s.dtype === "float64")) {
    if (scratch64.length < length) scratch64 = new Float64Array(length);
    return scratch64;
  }
  if (scratch32.length < length) scratch32 = new Float32Array(length);
  return scratch32;
}

const { sigmoid } = unaryFns;

export function rowProgram(
  program: RowProgram,
  operands: readonly Storage[],
  layout: Int32Array,
  rows: number,
  width: number,
): void {
  checkRowProgramCall(program, operands, layout, rows, width);
  if (rows === 0 || width === 0) return;
  const { code, constants, registers } = program;
  const regs = registersFor(operands, registers * width);
  // FMA rounds the product to the register's precision first, as the wasm kernel does.
  const round = regs instanceof Float32Array ? Math.fround : (x: number) => x;
  const n = code.length;
  for (let r = 0; r < rows; r++) {
    for (let pc = 0; pc < n; pc += 4) {
      const op = code[pc] as number;
      const d = (code[pc + 1] as number) * width;
      const ai = code[pc + 2] as number;
      const a = ai * width;
      const b = (code[pc + 3] as number) * width;
      switch (op) {
        case RowOp.LOAD: {
          const src = (operands[ai] as Storage).array as Float32Array | Float64Array;
          const base = (layout[3 * ai] as number) + r * (layout[3 * ai + 1] as number);
          const cs = layout[3 * ai + 2] as number;
          for (let j = 0; j < width; j++) regs[d + j] = src[base + j * cs] as number;
          break;
        }
        case RowOp.STORE:
        case RowOp.ACCUMULATE: {
          const k = code[pc + 1] as number;
          const dst = (operands[k] as Storage).array as Float32Array | Float64Array;
          const base = (layout[3 * k] as number) + r * (layout[3 * k + 1] as number);
          const cs = layout[3 * k + 2] as number;
          if (op === RowOp.STORE) {
            for (let j = 0; j < width; j++) dst[base + j] = regs[a + j] as number;
          } else if (cs === 0) {
            let sum = 0;
            for (let j = 0; j < width; j++) sum += regs[a + j] as number;
            dst[base] = (dst[base] as number) + sum;
          } else {
            for (let j = 0; j < width; j++)
              dst[base + j] = (dst[base + j] as number) + (regs[a + j] as number);
          }
          break;
        }
        case RowOp.CONST:
          regs.fill(constants[ai] as number, d, d + width);
          break;
        case RowOp.FMA:
          for (let j = 0; j < width; j++) {
            regs[d + j] =
              (regs[d + j] as number) + round((regs[a + j] as number) * (regs[b + j] as number));
          }
          break;
        case RowOp.ROWSUM: {
          let sum = 0;
          for (let j = 0; j < width; j++) sum += regs[a + j] as number;
          regs.fill(sum, d, d + width);
          break;
        }
        default:
          (loops[op] as Loop)(regs, d, a, b, width);
      }
    }
  }
}

type Regs = Float32Array | Float64Array;
type Loop = (r: Regs, d: number, a: number, b: number, w: number) => void;

/** One tight loop per element-wise op (a switch per element would dominate the time). */
const loops: Loop[] = [];
loops[RowOp.COPY] = (r, d, a, _, w) => r.copyWithin(d, a, a + w);
loops[RowOp.ADD] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++) r[d + j] = (r[a + j] as number) + (r[b + j] as number);
};
loops[RowOp.SUB] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++) r[d + j] = (r[a + j] as number) - (r[b + j] as number);
};
loops[RowOp.MUL] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++) r[d + j] = (r[a + j] as number) * (r[b + j] as number);
};
loops[RowOp.DIV] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++) r[d + j] = (r[a + j] as number) / (r[b + j] as number);
};
loops[RowOp.MAX] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.max(r[a + j] as number, r[b + j] as number);
};
loops[RowOp.MIN] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.min(r[a + j] as number, r[b + j] as number);
};
loops[RowOp.NEG] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = -(r[a + j] as number);
};
loops[RowOp.ONE_MINUS] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = 1 - (r[a + j] as number);
};
loops[RowOp.SQUARE] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = (r[a + j] as number) * (r[a + j] as number);
};
loops[RowOp.SQRT] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.sqrt(r[a + j] as number);
};
loops[RowOp.RSQRT] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = 1 / Math.sqrt(r[a + j] as number);
};
loops[RowOp.RECIP] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = 1 / (r[a + j] as number);
};
loops[RowOp.ABS] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.abs(r[a + j] as number);
};
loops[RowOp.EXP] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.exp(r[a + j] as number);
};
loops[RowOp.LOG] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.log(r[a + j] as number);
};
loops[RowOp.SIGMOID] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = sigmoid(r[a + j] as number);
};
loops[RowOp.TANH] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.tanh(r[a + j] as number);
};
loops[RowOp.RELU] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = Math.max(r[a + j] as number, 0);
};
loops[RowOp.STEP] = (r, d, a, _, w) => {
  for (let j = 0; j < w; j++) r[d + j] = (r[a + j] as number) > 0 ? 1 : 0;
};
loops[RowOp.WHERE_POS] = (r, d, a, b, w) => {
  for (let j = 0; j < w; j++)
    r[d + j] = (r[d + j] as number) > 0 ? (r[a + j] as number) : (r[b + j] as number);
};
