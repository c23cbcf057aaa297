/**
 * The built-in backends as a registry plugin (kind `backend`). This package
 * imports nothing of ours, so the plugin is written as plain data of the
 * shape `@recurrent/registry` expects; `registry.use(backendPlugin)` adds
 * it, and `setBackend(registry.create("backend", name))` selects one.
 */
import { type Backend, listBackends, setBackend } from "../backend.js";

interface BackendEntry {
  readonly kind: "backend";
  readonly name: string;
  readonly description: string;
  readonly schema: { safeParse(input: unknown): { success: true; data: Record<string, never> } };
  readonly create: () => Backend;
}

const noOptions = {
  safeParse: (_input: unknown) => ({ success: true as const, data: {} as Record<string, never> }),
};

const descriptions: Record<string, string> = {
  js: "plain TypeScript kernels; runs everywhere; the reference",
  wasm: "WebAssembly SIMD kernels (GEMM, hot elementwise ops) over linear memory; the default",
};

export const backendPlugin = {
  name: "@recurrent/tensor",
  kinds: [] as const,
  get entries(): readonly BackendEntry[] {
    return listBackends().map((name) => ({
      kind: "backend" as const,
      name,
      description: descriptions[name] ?? "",
      schema: noOptions,
      create: () => setBackend(name),
    }));
  },
};
