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
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { libraries, recurrentDeps, root, tarballPacker } from "./tarballs.mjs";

const [destArg, ...wanted] = process.argv.slice(2);
if (destArg === undefined) {
  console.error(
    "usage: node scripts/pack-libraries.mjs <dest> [library-dir ...]  (default: cells)",
  );
  process.exit(2);
}
const dest = resolve(process.cwd(), destArg);

const names = new Set();
for (const dir of wanted.length > 0 ? wanted : ["cells"]) {
  const name = `@recurrent/${dir}`;
  if (!libraries.has(name)) {
    const known = [...libraries.values()].map((l) => l.dir).join(", ");
    throw new Error(`pack-libraries: no library ${name} under packages/ (known: ${known})`);
  }
  names.add(name);
  for (const dep of recurrentDeps(name)) names.add(dep);
}

const scratch = mkdtempSync(join(tmpdir(), "recurrent-pack-"));
const pack = tarballPacker(scratch);
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
    const target = join(dest, `recurrent-${dir}.tgz`);
    renameSync(pack(name), target);
    console.log(`${name} → ${target}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
