/**
 * Importing a plugin module as its author wrote it, from anywhere on disk.
 *
 * Two things stand between a plugin folder of one's own and the built
 * trainer:
 * - TypeScript. Node cannot import `.ts`, so TypeScript plugins are loaded
 *   through tsx's loader (esbuild underneath), registered the first time one
 *   is imported. `.js` plugins load as they are.
 * - One copy of each library. A plugin outside this repository has its own
 *   `node_modules/@recurrent/*` (from tarballs or links), but tensors,
 *   autograd's tape and the registry only work within one copy of each
 *   package. So every `@recurrent/*` import is resolved as if the trainer
 *   made it: the plugin gets the trainer's copies, and its own installed
 *   ones serve only its editor and its type checks (the plugin lists them as
 *   peer dependencies).
 *
 * Both hooks are Node module-resolution hooks (`module.register`), so they
 * apply to ES modules only: a plugin file that Node would read as CommonJS
 * is refused with the fix. Under vitest, whose module runner compiles
 * TypeScript and resolves packages itself, the module is imported directly.
 */
import { existsSync, readFileSync } from "node:fs";
import { register } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { TrainerError } from "./errors.js";

const typeScript = /\.(c|m)?tsx?$/;

/**
 * Resolve `@recurrent/*` from the trainer's own location (`host`) whoever
 * imports it; fall back to the importer's resolution for a package the
 * trainer lacks.
 */
const sharedPackagesHook = `
let host;
export function initialize(data) { host = data.host; }
export async function resolve(specifier, context, nextResolve) {
  if (specifier.startsWith("@recurrent/")) {
    try { return await nextResolve(specifier, { ...context, parentURL: host }); } catch {}
  }
  return nextResolve(specifier, context);
}
`;

let sharedPackages = false;
let typeScriptLoader = false;

/** The nearest package.json above `file`, and its "type". */
function moduleScope(file: string): { manifest: string | null; type: string | undefined } {
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      let type: string | undefined;
      try {
        type = (JSON.parse(readFileSync(manifest, "utf8")) as { type?: string }).type;
      } catch {
        type = undefined;
      }
      return { manifest, type };
    }
    const parent = dirname(dir);
    if (parent === dir) return { manifest: null, type: undefined };
    dir = parent;
  }
}

/** Refuse a file Node would run as CommonJS, saying how to make it an ES module. */
function checkEsModule(file: string, spec: string): void {
  if (/\.(mjs|mts)$/.test(file)) return;
  const cjs = /\.(cjs|cts)$/.test(file);
  const { manifest, type } = moduleScope(file);
  if (!cjs && type === "module") return;
  const where = cjs
    ? `${file} is CommonJS by its extension`
    : manifest === null
      ? `${file} would load as CommonJS: no package.json above it says "type": "module"`
      : `${file} would load as CommonJS: ${manifest} has no "type": "module"`;
  const renamed = file.replace(/\.(c?)([jt])s(x?)$/, ".m$2s");
  throw new TrainerError(
    "PLUGIN",
    `plugin ${JSON.stringify(spec)}: ${where}; plugins are ES modules. Add "type": "module" to ${manifest ?? `a package.json beside it (${join(dirname(file), "package.json")})`}, or rename it ${renamed}`,
  );
}

/** Import a plugin module file (already resolved to a path). */
export async function importPluginModule(
  file: string,
  spec: string,
): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (process.env.VITEST !== undefined && import.meta.url.endsWith(".ts")) {
    return (await import(url)) as Record<string, unknown>;
  }
  checkEsModule(file, spec);
  if (!sharedPackages) {
    register(`data:text/javascript,${encodeURIComponent(sharedPackagesHook)}`, {
      data: { host: import.meta.url },
    });
    sharedPackages = true;
  }
  if (typeScript.test(file) && !typeScriptLoader) {
    const tsx = await import("tsx/esm/api");
    tsx.register();
    typeScriptLoader = true;
  }
  return (await import(url)) as Record<string, unknown>;
}
