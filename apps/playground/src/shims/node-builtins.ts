/**
 * Stand-ins for the few Node built-ins that the trainer's shared modules
 * import at their top (config files, dataset paths, core counts). In the page
 * nothing reads a file or a path: configs arrive as objects and data inline,
 * so these are never called with real work; they exist so the bundle links.
 * vite.config.ts points `node:fs`, `node:path` and `node:os` here.
 */

function unavailable(what: string): never {
  throw new Error(`${what}: not available in a web page (the playground reads no files)`);
}

export function readFileSync(path: string): never {
  return unavailable(`readFileSync(${JSON.stringify(path)})`);
}

/** Paths are kept as given: the page has no working directory to resolve them against. */
export function resolve(...parts: string[]): string {
  return parts[parts.length - 1] ?? "";
}

export function availableParallelism(): number {
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

export default { readFileSync, resolve, availableParallelism };
