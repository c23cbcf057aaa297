/**
 * The wasm backend's recurrence: the whole loop over steps in one call of
 * assembly/recurrence.ts, from a descriptor written once per call into
 * linear memory (the programs' code and constants, each operand's byte
 * address and its layout and step strides). With a thread pool, the rows are
 * cut into blocks and every thread runs all the steps of its block with no
 * synchronisation between steps; a recurrence whose programs accumulate
 * across rows stays on one thread. Operands the kernel cannot take (float64,
 * another backend's storage, a B packed elsewhere) run the generic loop.
 */
import type { PackedB } from "../../packed-b.js";
import {
  accumulatesAcrossRows,
  checkRecurrence,
  type Recurrence,
  type RecurrenceKernel,
  runRecurrence,
} from "../../recurrence.js";
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
    const split = !accumulatesAcrossRows(spec);
    const partBytes = regsBytes + align16(layoutBytes);
    const parts = host.rowBlockCount(rows, macs, split);
    const desc = host.allocBytes(align16(descBytes));
    const scratch = host.allocBytes(parts * partBytes);
    const work = workBytes > 0 ? host.allocBytes(workBytes) : 0;
    try {
      const i32 = new Int32Array(host.linearMemory.buffer);
      const f32 = new Float32Array(host.linearMemory.buffer);
      const ptr = (k: number) => (operands[k] as WasmStorage).ptr;
      // Fixed-size entries first, then the programs' arrays after them.
      let at = desc / 4;
      let tail = desc + align16(4 + entryBytes);
      const place = (bytes: number) => {
        const p = tail;
        tail += align16(bytes);
        return p;
      };
      i32[at++] = ops.length;
      for (const op of ops) {
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
          i32[basesAt / 4 + k] = ptr(a.operand);
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
      host.splitRows(rows, macs, split, work, (row0, count, w, part) => [
        desc,
        steps,
        row0,
        count,
        w,
        scratch + part * partBytes,
        regsBytes,
      ]);
    } finally {
      if (work > 0) host.freeBytes(work, workBytes);
      host.freeBytes(scratch, parts * partBytes);
      host.freeBytes(desc, align16(descBytes));
    }
  };
}
