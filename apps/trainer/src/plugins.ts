/**
 * `--plugin <path or package>`: load a user's plugin before anything is
 * resolved, so its cells, optimizers or datasets are names like the
 * built-in ones.
 *
 * A path may be a module file or a package directory; a bare name is a
 * package found in node_modules above the working directory (or beside the
 * trainer). A package's entry is read from its `exports` with the
 * conditions Node would use, plus `@recurrent/source` when this process runs
 * the TypeScript sources (tsx with --conditions, or vitest), so a workspace
 * plugin works unbuilt in development and built in production. The module's
 * default export (or an export named `plugin`) must be a plugin.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "@recurrent/registry";
import { TrainerError } from "./errors.js";
import { importPluginModule } from "./plugin-import.js";

const sourceCondition = "@recurrent/source";

/** Whether this process loads TypeScript sources through the source condition. */
function sourceConditionActive(): boolean {
  if (process.env.VITEST !== undefined) return true;
  const args = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
  return args.some(
    (arg, i) =>
      arg === `--conditions=${sourceCondition}` ||
      arg === `-C=${sourceCondition}` ||
      ((arg === "--conditions" || arg === "-C") && args[i + 1] === sourceCondition),
  );
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith(".") || isAbsolute(spec) || /\.([cm]?[jt]sx?)$/.test(spec);
}

/** node_modules/<name> in `from` or any directory above it. */
function findPackageDir(name: string, from: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Entry files tried in a plugin directory that has no package.json. */
const indexFiles = ["index.js", "index.mjs", "index.ts", "index.mts"];

/** A TypeScript entry of a package, from any condition of its "." export or src/index.ts. */
function typeScriptEntry(dir: string, root: unknown): string | undefined {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === "string") {
      if (/\.[cm]?tsx?$/.test(node) && !/\.d\.[cm]?ts$/.test(node)) found.push(node);
    } else if (node !== null && typeof node === "object") {
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(root);
  return [...found, "src/index.ts"].map((f) => resolve(dir, f)).find((f) => existsSync(f));
}

/** The file a package directory's "." export (or main) points at. */
function packageEntry(dir: string, spec: string): string {
  if (!existsSync(join(dir, "package.json"))) {
    const index = indexFiles.map((f) => join(dir, f)).find((f) => existsSync(f));
    if (index !== undefined) return index;
    throw new TrainerError(
      "PLUGIN",
      `plugin ${JSON.stringify(spec)}: expected a package directory (with a package.json) or a module file, got the directory ${dir}, which has neither a package.json nor an ${indexFiles.join(" / ")}; pass the module file itself, e.g. --plugin ${join(spec, "my-cell.js")}`,
    );
  }
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    name?: string;
    exports?: unknown;
    main?: string;
    module?: string;
  };
  const conditions = [
    ...(sourceConditionActive() ? [sourceCondition] : []),
    "import",
    "node",
    "default",
  ];
  const candidates: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === "string") {
      candidates.push(node);
      return;
    }
    if (node === null || typeof node !== "object" || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (conditions.includes(key)) walk(value);
    }
  };
  const exports = manifest.exports;
  const root =
    exports !== null && typeof exports === "object" && !Array.isArray(exports) && "." in exports
      ? (exports as Record<string, unknown>)["."]
      : exports;
  walk(root);
  if (manifest.module !== undefined) candidates.push(manifest.module);
  if (manifest.main !== undefined) candidates.push(manifest.main);
  if (candidates.length === 0) candidates.push("index.js");
  for (const candidate of candidates) {
    const file = resolve(dir, candidate);
    if (existsSync(file)) return file;
  }
  const name = manifest.name ?? spec;
  const source = typeScriptEntry(dir, root);
  throw new TrainerError(
    "PLUGIN",
    `plugin ${JSON.stringify(spec)}: package ${name} has no built entry (looked for ${candidates.join(", ")}); build it first (\`npm run build\` in ${dir}, or \`pnpm --filter ${name} build\` in a workspace)${source === undefined ? "" : `, or pass its TypeScript entry: --plugin ${source}`}`,
  );
}

/** Turn a --plugin argument into a module file to import. */
export function resolvePluginFile(spec: string, cwd: string): string {
  if (looksLikePath(spec)) {
    const full = resolve(cwd, spec);
    if (!existsSync(full)) {
      throw new TrainerError(
        "MISSING_FILE",
        `plugin ${JSON.stringify(spec)}: no such file or directory (looked at ${full})`,
      );
    }
    return statSync(full).isDirectory() ? packageEntry(full, spec) : full;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const dir = findPackageDir(spec, cwd) ?? findPackageDir(spec, here);
  if (dir === undefined) {
    throw new TrainerError(
      "PLUGIN",
      `plugin ${JSON.stringify(spec)}: no package of that name is installed (searched node_modules above ${cwd}); install it, or pass a path such as ./my-plugin`,
    );
  }
  return packageEntry(dir, spec);
}

function isPlugin(value: unknown): value is Plugin {
  const v = value as Partial<Plugin> | null;
  return (
    v !== null &&
    typeof v === "object" &&
    typeof v.name === "string" &&
    Array.isArray(v.entries) &&
    Array.isArray(v.kinds)
  );
}

/** Import a plugin module and return its plugin. */
export async function loadPlugin(spec: string, cwd: string): Promise<Plugin> {
  const file = resolvePluginFile(spec, cwd);
  let module: Record<string, unknown>;
  try {
    module = await importPluginModule(file, spec);
  } catch (error) {
    if (error instanceof TrainerError) throw error;
    throw new TrainerError(
      "PLUGIN",
      `plugin ${JSON.stringify(spec)}: importing ${file} failed: ${(error as Error).message}`,
    );
  }
  const found = [module.default, module.plugin].find(isPlugin);
  if (found === undefined) {
    throw new TrainerError(
      "PLUGIN",
      `plugin ${JSON.stringify(spec)}: ${file} exports no plugin; expected \`export default definePlugin({ name, entries })\` from @recurrent/registry`,
    );
  }
  return found;
}

export async function loadPlugins(specs: readonly string[], cwd: string): Promise<Plugin[]> {
  const plugins: Plugin[] = [];
  for (const spec of specs) plugins.push(await loadPlugin(spec, cwd));
  return plugins;
}
