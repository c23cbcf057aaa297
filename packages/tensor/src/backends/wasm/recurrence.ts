/**
 * The wasm backend's recurrence: the whole loop over steps in one call of
 * assembly/recurrence.ts, from a descriptor written once per call into
 * linear memory (the programs' code and constants, each operand's byte
 * address and its layout and step strides). With a thread pool, the rows are
 * cut into blocks and every thread runs all the steps of its block with no
 * synchronisation between steps. Where programs accumulate across rows
 * (a bias gradient), each block sums into a zeroed copy of its own, added
 * into the target after the run (so such sums differ from one thread's in
 * float rounding only); where such a target is also read, one thread runs. Operands the kernel cannot take (float64,
 * another backend's storage, a B packed elsewhere) run the generic loop.
 */
import type { PackedB } from "../../packed-b.js";
import {
  checkRecurrence,
  type Recurrence,
  type RecurrenceKernel,
  runRecurrence,
  type StepAddress,
} from "../../recurrence.js";
import { RowOp } from "../../row-program.js";
import type { Storage } from "../../storage.js";
import type { WasmKernels } from "./kernels.js";
import { WasmPackedB } from "./packed-b.js";
import { WasmStorage } from "./storage.js";

/** What the kernel needs of the backend. */
export interface RecurrenceHost {
  readonly name: string;
  readonly linearMemory: WebAssembly.Memory;
  readonly wasm: WasmKernels;
  allocBytes(bytes: number): number;
  freeBytes(ptr: number, bytes: number): void;
  /**
   * Calls `recurrence` over `rows` rows: once, or once per block of rows on
   * the pool's threads when `split` and the work (`macs`) are worth it;
   * `argsOf(row0, rows, work, part)` gives each call's arguments.
   */
  splitRows(
    rows: number,
    macs: number,
    split: boolean,
    work: number,
    argsOf: (row0: number, rows: number, work: number, part: number) => readonly number[],
  ): void;
  /** How many blocks `splitRows` would cut `rows` into. */
  rowBlockCount(rows: number, macs: number, split: boolean): number;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;
const GEMM_BYTES = 11 * 4;
const PROGRAM_BYTES = 10 * 4;

export function recurrenceKernel(host: RecurrenceHost): RecurrenceKernel {
  const ours = (s: Storage) => s instanceof WasmStorage && s.dtype === "float32";
  const packedHere = (b: PackedB) => b instanceof WasmPackedB && b.backend === host.name;
  return (spec: Recurrence, operands: readonly Storage[]) => {
    checkRecurrence(spec, operands);
    const { steps, rows, ops } = spec;
    if (steps === 0 || rows === 0) return;
    const usable = ops.every((op) =>
      op.kind === "gemm"
        ? packedHere(op.b) &&
          ours(operands[op.a.operand] as Storage) &&
          ours(operands[op.out.operand] as Storage)
        : op.operands.every((at) => ours(operands[at.operand] as Storage)),
    );
    if (!usable) {
      runRecurrence(spec, operands);
      return;
    }
    // Sizes: the descriptor, the registers and moving layout per block, the GEMMs' scratch.
    const entryBytes = ops.reduce(
      (n, op) => n + (op.kind === "gemm" ? GEMM_BYTES : PROGRAM_BYTES),
      0,
    );
    let descBytes = align16(4 + entryBytes);
    let regsBytes = 0;
    let layoutBytes = 0;
    let workBytes = 0;
    let macs = 0;
    for (const op of ops) {
      if (op.kind === "gemm") {
        workBytes = Math.max(workBytes, host.wasm.sgemmWorkBytes(rows, op.b.n, op.b.k));
        macs += steps * rows * op.b.n * op.b.k;
        continue;
      }
      const n = op.operands.length;
      descBytes +=
        align16(op.program.code.length * 4) +
        align16(op.program.constants.length * 4) +
        align16(n * 4) * 2 +
        align16(n * 12);
      const stride = align16(op.width * 4) / 4;
      regsBytes = Math.max(regsBytes, op.program.registers * stride * 4);
      layoutBytes = Math.max(layoutBytes, n * 12);
    }
    regsBytes = align16(regsBytes);
    const partBytes = regsBytes + align16(layoutBytes);
    const privates = privateSums(spec);
    const parts = host.rowBlockCount(rows, macs, privates !== null);
    const descs = Array.from({ length: parts }, () => host.allocBytes(align16(descBytes)));
    const scratch = host.allocBytes(parts * partBytes);
    const work = workBytes > 0 ? host.allocBytes(workBytes) : 0;
    // Parts after the first sum across-row accumulations into zeroed copies of their own.
    const copies = (privates ?? []).flatMap((target) =>
      Array.from({ length: parts - 1 }, (_, p) => ({
        target,
        part: p + 1,
        ptr: host.allocBytes(align16(target.length * 4)),
      })),
    );
    try {
      const i32 = new Int32Array(host.linearMemory.buffer);
      const f32 = new Float32Array(host.linearMemory.buffer);
      for (const c of copies) f32.fill(0, c.ptr / 4, c.ptr / 4 + c.target.length);
      descs.forEach((desc, part) => {
        const base = (k: number) => {
          const c = copies.find((x) => x.part === part && x.target.operand === k);
          const storage = operands[k] as WasmStorage;
          // Element `lo` of the target lands on the copy's first element (u32 arithmetic in wasm).
          return c === undefined ? storage.ptr : c.ptr - c.target.lo * 4;
        };
        writeDescriptor(i32, f32, desc, descBytes, entryBytes, spec, operands, base);
      });
      host.splitRows(rows, macs, privates !== null, work, (row0, count, w, part) => [
        descs[part] as number,
        steps,
        row0,
        count,
        w,
        scratch + part * partBytes,
        regsBytes,
      ]);
      const sums = new Float32Array(host.linearMemory.buffer);
      for (const c of copies) {
        const into = (operands[c.target.operand] as WasmStorage).ptr / 4 + c.target.lo;
        for (let e = 0; e < c.target.length; e++) {
          sums[into + e] = (sums[into + e] as number) + (sums[c.ptr / 4 + e] as number);
        }
      }
    } finally {
      for (const c of copies) host.freeBytes(c.ptr, align16(c.target.length * 4));
      if (work > 0) host.freeBytes(work, workBytes);
      host.freeBytes(scratch, parts * partBytes);
      for (const desc of descs) host.freeBytes(desc, align16(descBytes));
    }
  };
}

/** The elements [lo, lo + length) of operand `operand` that rows accumulate into together. */
interface AcrossRows {
  readonly operand: number;
  readonly lo: number;
  readonly length: number;
}

/**
 * The operands that programs accumulate into across rows (rowStride 0), as
 * element ranges, when each is only ever accumulated into (so a block of
 * rows may sum into a copy of its own); [] when there are none; null when
 * one is also read or written otherwise (the recurrence then stays on one
 * thread).
 */
function privateSums(spec: Recurrence): AcrossRows[] | null {
  const { steps } = spec;
  const ranges = new Map<number, [number, number]>();
  const span = (at: StepAddress, width: number): [number, number] => {
    const ends = [at.offset, at.offset + (steps - 1) * at.stepStride];
    return [Math.min(...ends), Math.max(...ends) + (width - 1) * at.colStride];
  };
  const others: [number, number, number][] = [];
  for (const op of spec.ops) {
    if (op.kind === "gemm") {
      others.push([op.a.operand, ...span(op.a, op.b.k)], [op.out.operand, ...span(op.out, op.b.n)]);
      continue;
    }
    const { code } = op.program;
    const onlyAccumulated = op.operands.map(() => true);
    const accumulated = op.operands.map(() => false);
    for (let pc = 0; pc < code.length; pc += 4) {
      const ins = code[pc] as number;
      const k = (ins === RowOp.LOAD ? code[pc + 2] : code[pc + 1]) as number;
      if (ins === RowOp.ACCUMULATE) accumulated[k] = true;
      else if (ins === RowOp.LOAD || ins === RowOp.STORE) onlyAccumulated[k] = false;
    }
    op.operands.forEach((at, k) => {
      const [lo, hi] = span(at, op.width);
      if (accumulated[k] && onlyAccumulated[k] && at.rowStride === 0) {
        const known = ranges.get(at.operand);
        ranges.set(at.operand, known ? [Math.min(known[0], lo), Math.max(known[1], hi)] : [lo, hi]);
      } else if (accumulated[k] || !onlyAccumulated[k]) others.push([at.operand, lo, hi]);
    });
  }
  for (const [operand, lo, hi] of others) {
    const r = ranges.get(operand);
    if (r !== undefined && lo <= r[1] && hi >= r[0]) return null;
  }
  return [...ranges].map(([operand, [lo, hi]]) => ({ operand, lo, length: hi - lo + 1 }));
}

/** Writes the descriptor of `spec` at `desc` (format in assembly/recurrence.ts). */
function writeDescriptor(
  i32: Int32Array,
  f32: Float32Array,
  desc: number,
  descBytes: number,
  entryBytes: number,
  spec: Recurrence,
  operands: readonly Storage[],
  base: (operand: number) => number,
): void {
  const ptr = (k: number) => (operands[k] as WasmStorage).ptr;
  // Fixed-size entries first, then the programs' arrays after them.
  let at = desc / 4;
  let tail = desc + align16(4 + entryBytes);
  const place = (bytes: number) => {
    const p = tail;
    tail += align16(bytes);
    return p;
  };
  i32[at++] = spec.ops.length;
  for (const op of spec.ops) {
    if (op.kind === "gemm") {
      i32.set(
        [
          0,
          ptr(op.a.operand) + op.a.offset * 4,
          op.a.stepStride * 4,
          op.a.rowStride,
          (op.b as WasmPackedB).ptr,
          ptr(op.out.operand) + op.out.offset * 4,
          op.out.stepStride * 4,
          op.out.rowStride,
          op.b.n,
          op.b.k,
          op.beta,
        ],
        at,
      );
      at += GEMM_BYTES / 4;
      continue;
    }
    const { code, constants } = op.program;
    const n = op.operands.length;
    const codeAt = place(code.length * 4);
    const constantsAt = place(constants.length * 4);
    const basesAt = place(n * 4);
    const layoutAt = place(n * 12);
    const stepsAt = place(n * 4);
    i32.set(code, codeAt / 4);
    f32.set(constants, constantsAt / 4);
    op.operands.forEach((a, k) => {
      i32[basesAt / 4 + k] = base(a.operand);
      i32.set([a.offset, a.rowStride, a.colStride], layoutAt / 4 + 3 * k);
      i32[stepsAt / 4 + k] = a.stepStride;
    });
    i32.set(
      [
        1,
        codeAt,
        code.length / 4,
        constantsAt,
        align16(op.width * 4) / 4,
        op.width,
        n,
        basesAt,
        layoutAt,
        stepsAt,
      ],
      at,
    );
    at += PROGRAM_BYTES / 4;
  }
  if (tail > desc + align16(descBytes))
    throw new Error("recurrence: descriptor overflow (internal)");
}
