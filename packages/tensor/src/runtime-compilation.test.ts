import { afterEach, describe, expect, it, vi } from "vitest";
import { getBackend, listBackends } from "./backend.js";
import {
  canCompileJs,
  canCompileWasm,
  warnRuntimeCompilationRefused,
} from "./runtime-compilation.js";

// Runs in Node and in Chromium (the browser project): neither refuses run-time code here, so the
// wasm backend is the default; the CSP case is in scripts/bundle-check (a page served with a CSP).
describe("run-time compilation", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is allowed here, so both backends are registered and wasm is the default", () => {
    expect(canCompileWasm()).toBe(true);
    expect(canCompileJs()).toBe(true);
    expect(listBackends()).toEqual(expect.arrayContaining(["js", "wasm"]));
    expect(getBackend().name).toBe("wasm");
  });

  it("warns once per page, naming the CSP source to add, however many callers refuse", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    warnRuntimeCompilationRefused("WebAssembly", "using the js backend (slower)");
    warnRuntimeCompilationRefused("JavaScript", "running the generic kernels");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toBe(
      "@recurrent: this page may not compile WebAssembly at run time, so using the js backend " +
        "(slower). To allow it, add 'wasm-unsafe-eval' to the script-src of its Content-Security-Policy.",
    );
  });
});
