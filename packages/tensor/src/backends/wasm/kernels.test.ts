// Tests of the kernel loader: base64 decoding, the SIMD probe, and the module's contract with
// JS (imports only env.memory, exports every kernel, heap base is where JS may allocate).

import { describe, expect, it } from "vitest";
import { kernelsWasmBase64 } from "../../generated/kernels-wasm.js";
import { decodeBase64, instantiateKernels, kernelsModule, simdSupported } from "./kernels.js";

describe("decodeBase64", () => {
  it("decodes every padding case like a reference encoder", () => {
    const bytes = Uint8Array.from({ length: 67 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let length = 0; length <= bytes.length; length++) {
      const slice = bytes.subarray(0, length);
      const encoded = btoa(String.fromCharCode(...slice));
      expect(Array.from(decodeBase64(encoded))).toEqual(Array.from(slice));
      expect(Array.from(decodeBase64(encoded.replace(/=+$/, "")))).toEqual(Array.from(slice));
    }
  });

  it("rejects characters outside the alphabet", () => {
    expect(() => decodeBase64("AAA*")).toThrow(/invalid base64/);
  });
});

describe("kernel module", () => {
  it("detects SIMD support on this engine", () => {
    expect(simdSupported()).toBe(true);
  });

  it("imports only env.memory and exports every kernel", () => {
    const module = kernelsModule();
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: "env", name: "memory", kind: "memory" },
    ]);
    const exported = WebAssembly.Module.exports(module).map((e) => e.name);
    for (const name of ["heapBase", "sgemm", "sgemmWorkBytes", "dgemm", "colSum"]) {
      expect(exported).toContain(name);
    }
    expect(decodeBase64(kernelsWasmBase64).length).toBeGreaterThan(1000);
  });

  it("instantiates over a caller-owned memory with a small, aligned heap base", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = instantiateKernels(memory);
    expect(kernels.heapBase).toBeGreaterThanOrEqual(0);
    expect(kernels.heapBase).toBeLessThan(65536);
    expect(kernels.heapBase % 16).toBe(0);
    // The kernels really work on that memory: a 3-element add at the heap base.
    const base = Math.ceil(kernels.heapBase / 64) * 64;
    const view = new Float32Array(memory.buffer, base, 9);
    view.set([1, 2, 3, 10, 20, 30]);
    kernels.add(base, base + 12, base + 24, 3);
    expect(Array.from(view.subarray(6))).toEqual([11, 22, 33]);
  });

  it("keeps working after the caller grows the memory", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernels = instantiateKernels(memory);
    memory.grow(2);
    const base = 65536 * 2;
    const view = new Float32Array(memory.buffer, base, 4);
    view.set([-1, 0, 2, -3]);
    kernels.relu(base, base, 4);
    expect(Array.from(view)).toEqual([0, 0, 2, 0]);
  });
});
