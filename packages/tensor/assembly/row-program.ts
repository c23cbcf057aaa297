// The row-program interpreter (format in src/row-program.ts): one element-wise program run over
// rows × width float32 elements. Rows run in order; inside a row the instruction loop runs over
// width-long registers, four lanes at a time, so a row's registers stay in L1 and the decode of
// an instruction is paid once per row, not per element.
//
// Registers are `stride` floats apart, stride = width rounded up to a multiple of 4, so
// register-to-register ops run whole vectors with no tail; the padding lanes hold garbage that
// is never stored (ROWSUM and ACCUMULATE to a per-row scalar sum only the first `width` lanes).
// Only LOAD, STORE and ACCUMULATE touch operands, and they take a scalar tail.
//
// Accuracy: sigmoid, tanh, exp and log are the unary kernels' (float32-ulp, vmath.ts); FMA
// rounds the product to float32 before adding, like the js interpreter.

import { sigmoid4, tanh4 } from "./activations";
import { expVec, logVec } from "./unary";

// Op codes: the same numbers as RowOp in src/row-program.ts.
const LOAD: i32 = 0;
const STORE: i32 = 1;
const ACCUMULATE: i32 = 2;
const CONST: i32 = 3;
const COPY: i32 = 4;
const ADD: i32 = 5;
const SUB: i32 = 6;
const MUL: i32 = 7;
const DIV: i32 = 8;
const MAX: i32 = 9;
const MIN: i32 = 10;
const NEG: i32 = 11;
const ONE_MINUS: i32 = 12;
const SQUARE: i32 = 13;
const SQRT: i32 = 14;
const RSQRT: i32 = 15;
const RECIP: i32 = 16;
const ABS: i32 = 17;
const EXP: i32 = 18;
const LOG: i32 = 19;
const SIGMOID: i32 = 20;
const TANH: i32 = 21;
const RELU: i32 = 22;
const STEP: i32 = 23;
const FMA: i32 = 24;
const ROWSUM: i32 = 25;
const WHERE_POS: i32 = 26;

/** Σ of the first `width` floats at `p`: four lane sums, then the tail. */
// @ts-ignore: decorator
@inline
function sumRow(p: usize, width: i32): f32 {
  const vecEnd = <usize>(width & ~3) << 2;
  let acc = f32x4.splat(0);
  for (let o: usize = 0; o < vecEnd; o += 16) acc = f32x4.add(acc, v128.load(p + o));
  let s =
    f32x4.extract_lane(acc, 0) +
    f32x4.extract_lane(acc, 1) +
    (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (let o = vecEnd; o < (<usize>width << 2); o += 4) s += load<f32>(p + o);
  return s;
}

/**
 * Runs `count` instructions at `code` (4 i32 each) over `rows` rows. `constants`: f32 immediates;
 * `bases`: per operand, the byte address of its storage; `layout`: per operand [offset,
 * rowStride, colStride] in elements; `regs`: registers, `stride` floats apart (16-byte aligned).
 */
export function rowProgram(
  code: usize,
  count: i32,
  constants: usize,
  bases: usize,
  layout: usize,
  regs: usize,
  stride: i32,
  rows: i32,
  width: i32,
): void {
  const regBytes = <usize>stride << 2;
  const widthBytes = <usize>width << 2;
  const vecEnd = <usize>(width & ~3) << 2;
  const codeEnd = code + (<usize>count << 4);
  for (let r = 0; r < rows; r++) {
    for (let ins = code; ins < codeEnd; ins += 16) {
      const op = load<i32>(ins);
      const fd = load<i32>(ins, 4);
      const fa = load<i32>(ins, 8);
      const d = regs + <usize>fd * regBytes;
      const a = regs + <usize>fa * regBytes;
      const b = regs + <usize>load<i32>(ins, 12) * regBytes;
      if (op <= CONST) {
        if (op == CONST) {
          const v = f32x4.splat(load<f32>(constants + (<usize>fa << 2)));
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, v);
          continue;
        }
        // LOAD reads operand fa into register fd; STORE/ACCUMULATE write register fa to operand fd.
        const k = op == LOAD ? fa : fd;
        const lay = layout + <usize>k * 12;
        const p =
          <usize>load<i32>(bases + (<usize>k << 2)) +
          (<usize>(load<i32>(lay) + r * load<i32>(lay, 4)) << 2);
        const unit = load<i32>(lay, 8) != 0;
        if (op == LOAD) {
          if (unit) {
            for (let o: usize = 0; o < vecEnd; o += 16) v128.store(d + o, v128.load(p + o));
            for (let o = vecEnd; o < widthBytes; o += 4) store<f32>(d + o, load<f32>(p + o));
          } else {
            const v = f32x4.splat(load<f32>(p));
            for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, v);
          }
        } else if (op == STORE) {
          for (let o: usize = 0; o < vecEnd; o += 16) v128.store(p + o, v128.load(a + o));
          for (let o = vecEnd; o < widthBytes; o += 4) store<f32>(p + o, load<f32>(a + o));
        } else if (unit) {
          for (let o: usize = 0; o < vecEnd; o += 16) {
            v128.store(p + o, f32x4.add(v128.load(p + o), v128.load(a + o)));
          }
          for (let o = vecEnd; o < widthBytes; o += 4) {
            store<f32>(p + o, load<f32>(p + o) + load<f32>(a + o));
          }
        } else {
          store<f32>(p, load<f32>(p) + sumRow(a, width));
        }
        continue;
      }
      if (op == ROWSUM) {
        const v = f32x4.splat(sumRow(a, width));
        for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, v);
        continue;
      }
      // Register-to-register ops: whole vectors over the padded stride.
      switch (op) {
        case COPY:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, v128.load(a + o));
          break;
        case ADD:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
          }
          break;
        case SUB:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.sub(v128.load(a + o), v128.load(b + o)));
          }
          break;
        case MUL:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
          }
          break;
        case DIV:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.div(v128.load(a + o), v128.load(b + o)));
          }
          break;
        case MAX:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.max(v128.load(a + o), v128.load(b + o)));
          }
          break;
        case MIN:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.min(v128.load(a + o), v128.load(b + o)));
          }
          break;
        case NEG:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, f32x4.neg(v128.load(a + o)));
          break;
        case ONE_MINUS:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.sub(f32x4.splat(1), v128.load(a + o)));
          }
          break;
        case SQUARE:
          for (let o: usize = 0; o < regBytes; o += 16) {
            const x = v128.load(a + o);
            v128.store(d + o, f32x4.mul(x, x));
          }
          break;
        case SQRT:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, f32x4.sqrt(v128.load(a + o)));
          break;
        case RSQRT:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.div(f32x4.splat(1), f32x4.sqrt(v128.load(a + o))));
          }
          break;
        case RECIP:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.div(f32x4.splat(1), v128.load(a + o)));
          }
          break;
        case ABS:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, f32x4.abs(v128.load(a + o)));
          break;
        case EXP:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, expVec(v128.load(a + o)));
          break;
        case LOG:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, logVec(v128.load(a + o)));
          break;
        case SIGMOID:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, sigmoid4(v128.load(a + o)));
          break;
        case TANH:
          for (let o: usize = 0; o < regBytes; o += 16) v128.store(d + o, tanh4(v128.load(a + o)));
          break;
        case RELU:
          for (let o: usize = 0; o < regBytes; o += 16) {
            v128.store(d + o, f32x4.pmax(v128.load(a + o), f32x4.splat(0)));
          }
          break;
        case STEP:
          for (let o: usize = 0; o < regBytes; o += 16) {
            const pos = f32x4.gt(v128.load(a + o), f32x4.splat(0));
            v128.store(d + o, v128.and(pos, f32x4.splat(1)));
          }
          break;
        case FMA:
          for (let o: usize = 0; o < regBytes; o += 16) {
            const prod = f32x4.mul(v128.load(a + o), v128.load(b + o));
            v128.store(d + o, f32x4.add(v128.load(d + o), prod));
          }
          break;
        case WHERE_POS:
          for (let o: usize = 0; o < regBytes; o += 16) {
            const pos = f32x4.gt(v128.load(d + o), f32x4.splat(0));
            v128.store(d + o, v128.bitselect(v128.load(a + o), v128.load(b + o), pos));
          }
          break;
        default:
          break;
      }
    }
  }
}
