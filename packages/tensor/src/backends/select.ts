/**
 * Registers the built-in backends and picks the default: `wasm` where
 * WebAssembly SIMD exists (Node 20, current browsers), else `js`.
 */
import { registerBackend, setBackendDefaults } from "../backend.js";
import { jsBackend } from "./js/backend.js";
import { createWasmBackend } from "./wasm/backend.js";

registerBackend(jsBackend);
const wasm = createWasmBackend();
if (wasm !== undefined) registerBackend(wasm);
setBackendDefaults(jsBackend, () => wasm ?? jsBackend);
