/**
 * A scratch web project outside the workspace, as a web developer would make
 * one: the packed tarballs of the libraries a training page imports, plus
 * Vite and esbuild from the npm registry (the versions the workspace uses,
 * so npm's cache serves them offline after the first run), and the pages
 * in this folder (train/, threads/).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recurrentDeps, root, run, tarballPacker } from "../tarballs.mjs";

/** What the training page imports; their @recurrent dependencies come along. */
const pageImports = [
  "@recurrent/autograd",
  "@recurrent/cells",
  "@recurrent/nn",
  "@recurrent/optim",
  "@recurrent/tensor",
];

const requireFromRoot = createRequire(join(root, "package.json"));
/** The workspace's own versions, read where they are installed (vite comes with vitest, esbuild with tsx). */
const viteVersion = createRequire(requireFromRoot.resolve("vitest/package.json"))(
  "vite/package.json",
).version as string;
const esbuildVersion = createRequire(requireFromRoot.resolve("tsx/package.json"))(
  "esbuild/package.json",
).version as string;

export interface ScratchProject {
  readonly dir: string;
  /** Runs a binary of the scratch project's node_modules/.bin there; returns stdout. */
  bin(name: string, args: string[], cwd?: string): string;
  remove(): void;
}

export function makeScratchProject(): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), "recurrent-bundle-check-"));
  const pack = tarballPacker(join(dir, "tarballs"));
  const names = new Set(pageImports);
  for (const name of pageImports) for (const dep of recurrentDeps(name)) names.add(dep);
  const tarballs = [...names].map(pack);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "bundle-check-page", private: true, type: "module" }),
  );
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
      ...tarballs,
      `vite@${viteVersion}`,
      `esbuild@${esbuildVersion}`,
    ],
    dir,
  );
  for (const page of ["train", "threads"]) {
    cpSync(join(import.meta.dirname, page), join(dir, page), { recursive: true });
  }
  return {
    dir,
    bin: (name, args, cwd = dir) => run(join(dir, "node_modules", ".bin", name), args, cwd),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
