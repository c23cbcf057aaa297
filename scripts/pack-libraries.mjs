#!/usr/bin/env node
/**
 * Pack @recurrent libraries as tarballs for a project outside this
 * repository, before they are published: a plugin author's own folder
 * depends on them as `file:` tarballs (see examples/plugin-template).
 *
 * Each named library is packed with `pnpm pack` (its built dist/, so run
 * `pnpm build` first) together with every @recurrent library it depends on,
 * and written as `<dest>/recurrent-<dir>.tgz`: names without a version, so
 * a project's `file:` dependencies keep working after a version bump.
 *
 * Usage: node scripts/pack-libraries.mjs <dest> [library-dir ...]   (default: cells)
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const [destArg, ...wanted] = process.argv.slice(2);
if (destArg === undefined) {
  console.error(
    "usage: node scripts/pack-libraries.mjs <dest> [library-dir ...]  (default: cells)",
  );
  process.exit(2);
}
const dest = resolve(process.cwd(), destArg);

/** name → { dir, manifest } for every library under packages/. */
const libraries = new Map();
for (const dir of readdirSync(join(root, "packages"))) {
  const path = join(root, "packages", dir, "package.json");
  if (!existsSync(path)) continue;
  const manifest = JSON.parse(readFileSync(path, "utf8"));
  if (!manifest.private) libraries.set(manifest.name, { dir, manifest });
}

function withDependencies(name, seen = new Set()) {
  const library = libraries.get(name);
  if (library === undefined) {
    const known = [...libraries.values()].map((l) => l.dir).join(", ");
    throw new Error(`pack-libraries: no library ${name} under packages/ (known: ${known})`);
  }
  seen.add(name);
  for (const dep of Object.keys(library.manifest.dependencies ?? {})) {
    if (dep.startsWith("@recurrent/") && !seen.has(dep)) withDependencies(dep, seen);
  }
  return seen;
}

const names = new Set();
for (const dir of wanted.length > 0 ? wanted : ["cells"])
  withDependencies(`@recurrent/${dir}`, names);

const scratch = mkdtempSync(join(tmpdir(), "recurrent-pack-"));
mkdirSync(dest, { recursive: true });
try {
  for (const name of [...names].sort()) {
    const { dir } = libraries.get(name);
    const packageDir = join(root, "packages", dir);
    if (!existsSync(join(packageDir, "dist"))) {
      throw new Error(
        `pack-libraries: ${name} is not built (no ${packageDir}/dist); run pnpm build first`,
      );
    }
    const out = execFileSync("pnpm", ["pack", "--pack-destination", scratch], {
      cwd: packageDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const file = out
      .trim()
      .split("\n")
      .filter((line) => line.endsWith(".tgz"))
      .pop();
    const packed = file.startsWith("/") ? file : join(scratch, file);
    const target = join(dest, `recurrent-${dir}.tgz`);
    renameSync(packed, target);
    console.log(`${name} → ${target}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
