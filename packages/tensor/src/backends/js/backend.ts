/**
 * The `js` backend: storage in ordinary typed arrays, kernels in plain
 * TypeScript that read like the maths. It runs everywhere, is the reference
 * the fast backends are tested against, and serves every kernel a faster
 * backend does not provide.
 */
import type { Backend, Kernels, MemoryInfo } from "../../backend.js";
import { type DType, newArray } from "../../dtype.js";
import { runRecurrence } from "../../recurrence.js";
import { ArrayStorage, type Storage } from "../../storage.js";
import { binary, clip, copy, copyInto, fill, unary, where } from "./elementwise.js";
import { gather, scatterAdd } from "./gather.js";
import { gemm } from "./gemm.js";
import { matMul } from "./mat-mul.js";
import { gemmPacked, packB } from "./packed-b.js";
import { argReduce, reduce, softmax } from "./reduce.js";
import { rowProgram } from "./row-program.js";

export const jsKernels: Kernels = {
  fill,
  copy,
  copyInto,
  unary,
  binary,
  where,
  clip,
  reduce,
  argReduce,
  matMul,
  gemm,
  packB,
  gemmPacked,
  rowProgram,
  recurrence: runRecurrence,
  softmax,
  gather,
  scatterAdd,
};

class JsBackend implements Backend {
  readonly name = "js";
  readonly kernels = jsKernels;

  alloc(dtype: DType, length: number): Storage {
    return new ArrayStorage(this.name, newArray(dtype, length), dtype);
  }

  memory(): MemoryInfo {
    // Typed arrays belong to the garbage collector; there is nothing to count.
    return { liveBytes: 0, liveBuffers: 0, reservedBytes: 0 };
  }
}

export const jsBackend: Backend = new JsBackend();
