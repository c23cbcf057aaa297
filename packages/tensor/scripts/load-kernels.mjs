// Loads the generated kernel module for the scripts in this folder (Node only), without going
// through TypeScript: reads the base64 out of src/generated/kernels-wasm.ts.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Instantiates the kernels over `memory`; returns the raw wasm exports. */
export function loadKernels(memory) {
  const generated = readFileSync(join(packageDir, "src/generated/kernels-wasm.ts"), "utf8");
  const base64 = /kernelsWasmBase64 =\s*"([^"]+)"/.exec(generated)?.[1];
  if (!base64) throw new Error("run `node scripts/build-wasm.mjs` first");
  const module = new WebAssembly.Module(Buffer.from(base64, "base64"));
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}
