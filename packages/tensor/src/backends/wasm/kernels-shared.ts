/**
 * The kernel build over a shared WebAssembly.Memory, for worker threads.
 * Only the threads entry points import this file, so the 60 KB module stays
 * out of every bundle that does not enable threads.
 */
import { kernelsWasmSharedBase64 } from "../../generated/kernels-wasm-shared.js";
import { compileKernels } from "./kernels.js";

/** The compiled shared-memory kernel module (compiled once, then cached). */
export function sharedKernelsModule(): WebAssembly.Module {
  return compileKernels(kernelsWasmSharedBase64);
}
