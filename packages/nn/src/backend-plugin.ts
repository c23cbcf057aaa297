/**
 * @recurrent/tensor's backends as registry entries (kind `backend`). Tensor
 * depends on nothing of ours, zod included, so its backends are described
 * here, with a real (empty) schema like every other entry:
 * `registry.use(backendPlugin)`, then `registry.create("backend", "wasm")`
 * selects one. The list is read when the plugin is used, so a backend
 * registered before (`registerBackend`) is listed too.
 */
import { defineEntry, type Plugin } from "@recurrent/registry";
import { type Backend, listBackends, setBackend } from "@recurrent/tensor";

const descriptions: Record<string, string> = {
  js: "plain TypeScript kernels; runs everywhere; the reference",
  wasm: "WebAssembly SIMD kernels (GEMM, hot elementwise ops) over linear memory; the default",
};

const backendEntry = (name: string) =>
  defineEntry({
    kind: "backend",
    name,
    description: descriptions[name] ?? "",
    create: (): Backend => setBackend(name),
  });

export const backendPlugin: Plugin = {
  // Named for the package whose backends these are (what `recurrent list` has always shown).
  name: "@recurrent/tensor",
  kinds: [],
  get entries() {
    return listBackends().map(backendEntry);
  },
};

declare module "@recurrent/registry" {
  interface KindValues {
    backend: Backend;
  }
}
