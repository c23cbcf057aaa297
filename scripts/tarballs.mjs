/**
 * Packs the workspace libraries as they would be published (`pnpm pack`),
 * for the checks that install them into scratch projects outside the
 * workspace (pack-check.mjs for Node, bundle-check/ for browsers) and for
 * plugin authors' own folders (pack-libraries.mjs).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const root = resolve(import.meta.dirname, "..");

/** The publishable packages under packages/: name -> { dir, manifest }. */
export const libraries = new Map();
for (const dir of readdirSync(join(root, "packages"))) {
  const manifestPath = join(root, "packages", dir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (!manifest.private) libraries.set(manifest.name, { dir, manifest });
}

/** Runs a command, returning stdout; a failure throws with the command, directory and output. */
export function run(command, args, cwd, env = process.env) {
  try {
    return execFileSync(command, args, {
      cwd,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    throw new Error(
      `${command} ${args.join(" ")} (in ${cwd}) failed:\n${error.stdout}${error.stderr}`,
    );
  }
}

/** The @recurrent packages `name` depends on, transitively. */
export function recurrentDeps(name, seen = new Set()) {
  const lib = libraries.get(name);
  if (lib === undefined) throw new Error(`${name} is not a library under packages/`);
  for (const dep of Object.keys(lib.manifest.dependencies ?? {})) {
    if (dep.startsWith("@recurrent/") && !seen.has(dep)) {
      seen.add(dep);
      recurrentDeps(dep, seen);
    }
  }
  return seen;
}

/** A packer writing into `destination` that packs each library once; returns tarball paths. */
export function tarballPacker(destination) {
  const packed = new Map();
  return function pack(name) {
    if (packed.has(name)) return packed.get(name);
    const { dir } = libraries.get(name);
    const out = run(
      "pnpm",
      ["pack", "--pack-destination", destination],
      join(root, "packages", dir),
    );
    const file = out
      .trim()
      .split("\n")
      .filter((l) => l.endsWith(".tgz"))
      .pop();
    const path = file.startsWith("/") ? file : join(destination, file);
    packed.set(name, path);
    return path;
  };
}
