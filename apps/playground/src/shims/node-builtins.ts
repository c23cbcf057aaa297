/**
 * Stand-ins for the few Node built-ins that the trainer's shared modules
 * import at their top (config files, dataset paths, disk and memory checks,
 * core counts). In the page nothing reads a file or a path: configs arrive
 * as objects and data inline, so the file functions are never called with
 * real work; they exist so the bundle links. The memory and core counts
 * answer from the browser. vite.config.ts points `node:fs`, `node:path` and
 * `node:os` here.
 */

function unavailable(what: string): never {
  throw new Error(`${what}: not available in a web page (the playground reads no files)`);
}

export function readFileSync(path: string): never {
  return unavailable(`readFileSync(${JSON.stringify(path)})`);
}

export function openSync(path: string): never {
  return unavailable(`openSync(${JSON.stringify(path)})`);
}

export function readSync(): never {
  return unavailable("readSync");
}

export function closeSync(): never {
  return unavailable("closeSync");
}

export function statfsSync(path: string): never {
  return unavailable(`statfsSync(${JSON.stringify(path)})`);
}

/** Paths are kept as given: the page has no working directory to resolve them against. */
export function resolve(...parts: string[]): string {
  return parts[parts.length - 1] ?? "";
}

// The file functions the trainer's run-directory and checkpoint helpers name.
export const appendFileSync = (): never => unavailable("appendFileSync");
export const fstatSync = (): never => unavailable("fstatSync");
export const fsyncSync = (): never => unavailable("fsyncSync");
export const readdirSync = (): never => unavailable("readdirSync");
export const renameSync = (): never => unavailable("renameSync");
export const writeFileSync = (): never => unavailable("writeFileSync");
export const existsSync = (): never => unavailable("existsSync");
export const mkdirSync = (): never => unavailable("mkdirSync");
export const rmSync = (): never => unavailable("rmSync");
export const statSync = (): never => unavailable("statSync");
export const unlinkSync = (): never => unavailable("unlinkSync");
export const mkdtempSync = (): never => unavailable("mkdtempSync");
export const writeSync = (): never => unavailable("writeSync");

/** Paths are kept as given (the page has no directories). */
export function dirname(path: string): string {
  return path;
}

export function basename(path: string): string {
  return path.split("/").pop() ?? path;
}

export function join(...parts: string[]): string {
  return parts.join("/");
}

export function availableParallelism(): number {
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

/** The device's memory as the browser reports it (Chromium: GB, at most 8), else 4 GB. */
export function totalmem(): number {
  const gigabytes = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return (gigabytes ?? 4) * 2 ** 30;
}

export default {
  readFileSync,
  openSync,
  readSync,
  closeSync,
  statfsSync,
  appendFileSync,
  fstatSync,
  fsyncSync,
  readdirSync,
  renameSync,
  writeFileSync,
  existsSync,
  mkdirSync,
  rmSync,
  statSync,
  unlinkSync,
  mkdtempSync,
  writeSync,
  resolve,
  dirname,
  basename,
  join,
  availableParallelism,
  totalmem,
};
