#!/usr/bin/env node
/**
 * Proves that every library stands alone: for each package under packages/,
 * pack it with `pnpm pack`, install that tarball plus the tarballs of only the
 * @recurrent packages it depends on (transitively) into an empty scratch
 * project outside the workspace, then typecheck and run the example from the
 * package's README there. The example is the README's first code block whose
 * info string is `ts example`. It also checks that every source map in the
 * tarball points at sources the tarball ships (a bundler's dev server warns
 * about each one that does not).
 *
 * Usage: node scripts/pack-check.mjs [package-dir-name ...]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { libraries, recurrentDeps, root, run, tarballPacker } from "./tarballs.mjs";

const only = process.argv.slice(2);
const scratch = mkdtempSync(join(tmpdir(), "recurrent-pack-check-"));
const pack = tarballPacker(join(scratch, "tarballs"));

/** Source maps under `dir` whose `sources` name a file that is not there. */
function danglingSourceMaps(dir) {
  const dangling = [];
  for (const entry of readdirSync(dir, { recursive: true })) {
    if (!entry.endsWith(".map")) continue;
    const map = join(dir, entry);
    for (const source of JSON.parse(readFileSync(map, "utf8")).sources ?? []) {
      const target = resolve(dirname(map), source);
      if (!existsSync(target)) dangling.push(`${entry} → ${relative(dir, target)}`);
    }
  }
  return dangling;
}

/** The README's example and, if the README shows it, the output it prints. */
function exampleOf(dir) {
  const readme = readFileSync(join(root, "packages", dir, "README.md"), "utf8");
  const match = readme.match(/```ts example\n([\s\S]*?)```(?:\s*prints\s*```\n([\s\S]*?)```)?/);
  if (match === null) throw new Error(`packages/${dir}/README.md has no \`\`\`ts example block`);
  return { code: match[1], prints: match[2] };
}

const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const tsx = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");
let failures = 0;
const names = [...libraries.keys()].filter(
  (n) => only.length === 0 || only.includes(libraries.get(n).dir),
);
for (const name of names) {
  const { dir } = libraries.get(name);
  const project = join(scratch, dir);
  const started = Date.now();
  try {
    run("mkdir", ["-p", project], scratch);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: `check-${dir}`, private: true, type: "module" }),
    );
    const wanted = [name, ...recurrentDeps(name)];
    const files = wanted.map(pack);
    run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...files], project);
    const installed = readdirSync(join(project, "node_modules", "@recurrent")).sort();
    const expected = wanted.map((n) => n.slice("@recurrent/".length)).sort();
    if (installed.join() !== expected.join()) {
      throw new Error(`installed @recurrent/{${installed}} but expected only {${expected}}`);
    }
    const dangling = danglingSourceMaps(join(project, "node_modules", name));
    if (dangling.length > 0) {
      throw new Error(
        `${dangling.length} source maps point at files the tarball does not ship, e.g. ${dangling.slice(0, 3).join(", ")}`,
      );
    }
    const example = exampleOf(dir);
    writeFileSync(join(project, "example.ts"), example.code);
    run(
      "node",
      [
        tsc,
        "--noEmit",
        "--strict",
        "--module",
        "nodenext",
        "--target",
        "es2022",
        "--skipLibCheck",
        "false",
        "--types",
        "node",
        "--typeRoots",
        join(root, "node_modules", "@types"),
        "example.ts",
      ],
      project,
    );
    const output = run("node", ["--import", tsx, "example.ts"], project);
    if (example.prints !== undefined && output.trim() !== example.prints.trim()) {
      throw new Error(
        `the example printed\n${output}\nbut the README says it prints\n${example.prints}`,
      );
    }
    console.log(
      `pack-check ${name}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s (${wanted.length} tarball${wanted.length > 1 ? "s" : ""})`,
    );
    if (process.env.PACK_CHECK_VERBOSE) console.log(output);
  } catch (error) {
    failures++;
    console.error(`pack-check ${name}: FAILED\n${error.message}`);
  }
}
rmSync(scratch, { recursive: true, force: true });
if (failures > 0) process.exit(1);
