// Loads the WebAssembly SIMD kernels compiled from assembly/ (embedded as base64 by
// scripts/build-wasm.mjs) into a caller-owned WebAssembly.Memory and exposes them typed.
// Synchronous and free of Node-only APIs, so the same code runs in Node and in browsers.
//
// Memory contract: the module imports `env.memory` and never allocates or grows it. The caller
// owns the heap from `heapBase` upward, passes every array as a byte offset (f32 data 16-byte
// aligned or better; 64 recommended), and gives sgemm/dgemm a scratch block of
// `sgemmWorkBytes(m, n, k)` / `dgemmWorkBytes(m, n, k)` bytes (16-byte aligned).
// If the caller grows the memory, typed-array views must be recreated; the kernels need nothing.

// The kernels' types and names are generated from assembly/*.ts with the module itself
// (scripts/build-wasm.mjs), so a signature is written once, in the AssemblyScript.
import { kernelNames, type WasmKernels } from "../../generated/kernel-types.js";
import { kernelsWasmBase64 } from "../../generated/kernels-wasm.js";

export type { Ptr, WasmKernels } from "../../generated/kernel-types.js";
export { kernelNames };

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes standard base64 (with or without padding) without atob or Buffer. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const lookup = new Uint8Array(128).fill(255);
  for (let i = 0; i < base64Alphabet.length; i++) lookup[base64Alphabet.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let written = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const value = code < 128 ? (lookup[code] ?? 255) : 255;
    if (value === 255) throw new Error(`invalid base64 character at ${i}`);
    bits = (bits << 6) | value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[written++] = (bits >> bitCount) & 0xff;
    }
  }
  return out;
}

// The smallest module using a SIMD instruction: (func (result v128) v128.const 0).
const simdProbe = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
]);

/** True when this engine has WebAssembly with fixed-width SIMD (Node ≥ 16.4, current browsers). */
export function simdSupported(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(simdProbe);
}

const compiledModules = new Map<string, WebAssembly.Module>();

/** Compiles a base64-encoded kernel build synchronously, once per build. */
export function compileKernels(base64: string): WebAssembly.Module {
  let module = compiledModules.get(base64);
  if (module === undefined) {
    if (!simdSupported()) throw new Error("WebAssembly SIMD is not supported by this engine");
    module = new WebAssembly.Module(decodeBase64(base64));
    compiledModules.set(base64, module);
  }
  return module;
}

/**
 * The compiled kernel module over a private memory. (The build over a shared memory, for
 * threads, is `sharedKernelsModule` in kernels-shared.ts, kept apart so that bundles without
 * threads do not carry it.)
 */
export function kernelsModule(): WebAssembly.Module {
  return compileKernels(kernelsWasmBase64);
}

/**
 * Instantiates the kernels (`module`, by default the private-memory build) over `memory`,
 * which must outlive them, and returns them typed.
 */
export function instantiateKernels(
  memory: WebAssembly.Memory,
  module: WebAssembly.Module = kernelsModule(),
): WasmKernels {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  const heapBase = exports.heapBase;
  if (typeof heapBase !== "function") throw new Error("kernel module lacks heapBase");
  const kernels: Record<string, unknown> = { heapBase: (heapBase as () => number)() };
  for (const name of kernelNames) {
    const fn = exports[name];
    if (typeof fn !== "function") throw new Error(`kernel module lacks ${name}`);
    kernels[name] = fn;
  }
  if (!isWasmKernels(kernels)) throw new Error("kernel module lacks heapBase");
  return kernels;
}

/** Every kernel name a function and heapBase a number: what `WasmKernels` promises. */
function isWasmKernels(
  kernels: Record<string, unknown>,
): kernels is Record<string, unknown> & WasmKernels {
  return (
    typeof kernels.heapBase === "number" &&
    kernelNames.every((name) => typeof kernels[name] === "function")
  );
}
