/**
 * The playground is a static site: `vite build` writes dist/ for any file
 * server. Workspace packages are bundled from their TypeScript sources (the
 * `@recurrent/source` condition), so the page needs no prior build. The
 * COOP/COEP headers make the page cross-origin isolated (SharedArrayBuffer,
 * hence threads); the dev and preview servers send them, and any host that
 * serves dist/ should too (README).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const builtins = here("./src/shims/node-builtins.ts");

export const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  base: "./",
  resolve: {
    conditions: ["@recurrent/source", "module", "browser", "development|production"],
    alias: {
      "node:fs": builtins,
      "node:path": builtins,
      "node:os": builtins,
    },
  },
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 2000 },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
});
