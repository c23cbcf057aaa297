/**
 * The built-in backends, made on first use rather than at import time.
 *
 * `backend.ts` calls `builtinBackends()` the first time anything asks for a
 * backend, so the registration lives on a path every op takes and no bundler
 * can drop it (a bare `import "./register.js"` in a package marked
 * `"sideEffects": false` is exactly what Vite and esbuild remove). The
 * default is `wasm` where WebAssembly SIMD exists and the page may compile
 * WebAssembly; under a Content-Security-Policy without 'wasm-unsafe-eval' it
 * is `js`, with one console warning (see runtime-compilation.ts).
 */
import type { Backend } from "../backend.js";
import { canCompileWasm, warnRuntimeCompilationRefused } from "../runtime-compilation.js";
import { jsBackend } from "./js/backend.js";
import { WasmBackend } from "./wasm/backend.js";
import { simdSupported } from "./wasm/kernels.js";

export interface BuiltinBackends {
  /** The plain TypeScript backend, which also serves every kernel a faster one lacks. */
  readonly js: Backend;
  /** Every built-in backend this engine and page can run, js first. */
  readonly available: readonly Backend[];
  /** The backend new tensors use until `setBackend` picks another. */
  readonly preferred: Backend;
}

export function builtinBackends(): BuiltinBackends {
  if (!simdSupported()) return { js: jsBackend, available: [jsBackend], preferred: jsBackend };
  if (!canCompileWasm()) {
    warnRuntimeCompilationRefused("WebAssembly", "using the js backend (slower)");
    return { js: jsBackend, available: [jsBackend], preferred: jsBackend };
  }
  const wasm = new WasmBackend();
  return { js: jsBackend, available: [jsBackend, wasm], preferred: wasm };
}
