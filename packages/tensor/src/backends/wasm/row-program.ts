/**
 * The wasm backend's rowProgram: checks the call (the program once, cached),
 * copies the program and the per-call layout into a scratch block of linear
 * memory that grows when needed and is otherwise reused, and runs the SIMD
 * interpreter of assembly/row-program.ts. Operands outside this backend's
 * memory, and float64 ones, go to the js interpreter.
 */

import { checkRowProgramCall, type RowProgram, type RowProgramKernel } from "../../row-program.js";
import type { Storage } from "../../storage.js";
import { jsKernels } from "../js/backend.js";
import type { WasmKernels } from "./kernels.js";
import { WasmStorage } from "./storage.js";

/** What the kernel needs of the backend: its memory, its kernels and raw scratch blocks. */
export interface RowProgramHost {
  readonly linearMemory: WebAssembly.Memory;
  readonly wasm: WasmKernels;
  allocBytes(bytes: number): number;
  freeBytes(ptr: number, bytes: number): void;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

export function rowProgramKernel(host: RowProgramHost): RowProgramKernel {
  let scratch = 0;
  let scratchBytes = 0;
  let i32 = new Int32Array(0);
  let f32 = new Float32Array(0);
  /** The program whose code and constants are in the scratch block now. */
  let loaded: RowProgram | null = null;

  return (
    program: RowProgram,
    operands: readonly Storage[],
    layout: Int32Array,
    rows: number,
    width: number,
  ) => {
    checkRowProgramCall(program, operands, layout, rows, width);
    if (rows === 0 || width === 0) return;
    for (const s of operands) {
      if (!(s instanceof WasmStorage) || s.dtype !== "float32") {
        jsKernels.rowProgram(program, operands, layout, rows, width);
        return;
      }
    }
    const { code, constants, registers } = program;
    const count = operands.length;
    const stride = align16(width * 4) / 4;
    // Scratch: code | constants | bases | layout | registers (16-byte aligned each).
    const codeAt = 0;
    const constantsAt = align16(code.length * 4);
    const basesAt = constantsAt + align16(constants.length * 4);
    const layoutAt = basesAt + align16(count * 4);
    const regsAt = layoutAt + align16(count * 12);
    const bytes = regsAt + registers * stride * 4;
    if (bytes > scratchBytes) {
      if (scratchBytes > 0) host.freeBytes(scratch, scratchBytes);
      scratchBytes = Math.max(bytes, 2 * scratchBytes);
      scratch = host.allocBytes(scratchBytes);
      loaded = null;
    }
    if (i32.buffer !== host.linearMemory.buffer) {
      i32 = new Int32Array(host.linearMemory.buffer);
      f32 = new Float32Array(host.linearMemory.buffer);
    }
    if (loaded !== program) {
      i32.set(code, (scratch + codeAt) / 4);
      f32.set(constants, (scratch + constantsAt) / 4);
      loaded = program;
    }
    const bases = (scratch + basesAt) / 4;
    for (let k = 0; k < count; k++) i32[bases + k] = (operands[k] as WasmStorage).ptr;
    i32.set(layout.subarray(0, 3 * count), (scratch + layoutAt) / 4);
    host.wasm.rowProgram(
      scratch + codeAt,
      code.length / 4,
      scratch + constantsAt,
      scratch + basesAt,
      scratch + layoutAt,
      scratch + regsAt,
      stride,
      rows,
      width,
    );
  };
}
