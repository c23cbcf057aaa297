/**
 * The run directory: everything a run leaves behind, in one place.
 *
 *     config.json                  the resolved config (defaults filled), and the plugins
 *     metrics.jsonl                one JSON object per line: train steps, evaluations, samples
 *     checkpoints/step-000200.safetensors
 *                                  model, optimizer, schedule, RNG, data position, carried state
 *     report.html                  curves, gradient flow and samples, self-contained
 *     gradflow.json                ‖∂L/∂h_t‖ measured at the end of training
 *     run.lock                     while a process trains in it (see run-lock.ts)
 *
 * Checkpoints, the config and the report are written atomically; a
 * checkpoint is never overwritten in place, and the oldest are pruned only
 * after a newer one is safely on disk.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { Checkpoint } from "@recurrent/nn";
import { TrainerError } from "./errors.js";
import { appendJsonLine, readJsonLines, removeStaleTemporaries, writeFileAtomic } from "./files.js";
import { lockFileName } from "./run-lock.js";

export const files = {
  config: "config.json",
  metrics: "metrics.jsonl",
  checkpoints: "checkpoints",
  report: "report.html",
  gradflow: "gradflow.json",
} as const;

const checkpointPattern = /^step-(\d+)\.safetensors$/;

/**
 * A timestamp for directory names, to the millisecond, so runs started in
 * the same second get different names: 2025-01-31T14-05-09-042.
 */
export function timestamp(date = new Date()): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}-${pad(date.getMilliseconds(), 3)}`;
}

/**
 * A default run directory under `parent` named `<timestamp>-<name>`: a name
 * that already exists (two runs in the same millisecond) gets -2, -3, ….
 */
export function freshRunPath(parent: string, name: string, date = new Date()): string {
  const base = join(parent, `${timestamp(date)}-${name}`);
  let path = base;
  for (let n = 2; existsSync(path); n++) path = `${base}-${n}`;
  return path;
}

export class RunDir {
  constructor(readonly path: string) {}

  static resolve(cwd: string, path: string): RunDir {
    return new RunDir(resolve(cwd, path));
  }

  /**
   * Refuse a path that already holds a run, or any other files (checked
   * before any work, and again on create): a run never writes into a
   * directory it would overwrite or mix with.
   */
  static checkFree(path: string, commandName = "recurrent"): void {
    const dir = new RunDir(path);
    if (!existsSync(path)) return;
    if (!statSync(path).isDirectory()) {
      throw new TrainerError("RUN_DIR", `--out ${path}: exists and is not a directory`);
    }
    if (existsSync(dir.file(files.config)) || dir.checkpointFiles().length > 0) {
      throw new TrainerError(
        "RUN_DIR",
        `${path} already holds a run; continue it with \`${commandName} resume ${path}\`, or choose another --out`,
      );
    }
    const present = readdirSync(path).filter((name) => name !== files.checkpoints);
    if (present.length > 0 || dir.checkpointDirHasOtherFiles()) {
      const shown = present.slice(0, 4).join(", ") + (present.length > 4 ? ", …" : "");
      throw new TrainerError(
        "RUN_DIR",
        `--out ${path}: expected a new or empty directory, got one that holds ${shown || "files in checkpoints/"} and no run; choose another --out`,
      );
    }
  }

  /** A new run directory; refuses one that already holds a run, so nothing is overwritten. */
  static create(path: string, commandName?: string): RunDir {
    RunDir.checkFree(path, commandName);
    mkdirSync(join(path, files.checkpoints), { recursive: true });
    return new RunDir(path);
  }

  private checkpointDirHasOtherFiles(): boolean {
    const dir = this.file(files.checkpoints);
    return existsSync(dir) && statSync(dir).isDirectory() && readdirSync(dir).length > 0;
  }

  /** Whether this directory holds a run (its config.json). */
  isRun(): boolean {
    return existsSync(this.file(files.config));
  }

  /**
   * Remove the temporary files of writes that were killed (the caller holds
   * the run's lock, so no live writer owns them); returns their names.
   */
  removeStaleTemporaries(): string[] {
    return [
      ...removeStaleTemporaries(this.path),
      ...removeStaleTemporaries(this.file(files.checkpoints)).map(
        (name) => `${files.checkpoints}/${name}`,
      ),
    ];
  }

  /** The lock file's path (run-lock.ts). */
  get lockPath(): string {
    return this.file(lockFileName);
  }

  /** An existing run directory (resume, eval, generate). */
  static open(path: string): RunDir {
    const dir = new RunDir(path);
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new TrainerError("MISSING_FILE", `run directory ${path}: no such directory`);
    }
    return dir;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** Checkpoint files, oldest first, with their steps. */
  checkpointFiles(): { step: number; path: string }[] {
    const dir = this.file(files.checkpoints);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .map((name) => ({ name, match: checkpointPattern.exec(name) }))
      .filter((f) => f.match !== null)
      .map((f) => ({ step: Number(f.match?.[1]), path: join(dir, f.name) }))
      .sort((a, b) => a.step - b.step);
  }

  /** The newest checkpoint's path; an error naming the directory when there is none. */
  latestCheckpoint(): string {
    const all = this.checkpointFiles();
    const last = all[all.length - 1];
    if (last === undefined) {
      throw new TrainerError(
        "MISSING_FILE",
        `${this.path} has no checkpoint (looked in ${files.checkpoints}/ for step-*.safetensors)`,
      );
    }
    return last.path;
  }

  /** Write a checkpoint for `step` atomically, then prune to the newest `keep`. */
  writeCheckpoint(checkpoint: Checkpoint, step: number, keep: number): string {
    const path = join(
      this.file(files.checkpoints),
      `step-${String(step).padStart(6, "0")}.safetensors`,
    );
    mkdirSync(this.file(files.checkpoints), { recursive: true });
    writeFileAtomic(path, checkpoint.toBytes());
    const all = this.checkpointFiles();
    for (const old of all.slice(0, Math.max(0, all.length - keep))) {
      if (old.path !== path) rmSync(old.path, { force: true });
    }
    return path;
  }

  writeJson(name: string, value: unknown): void {
    writeFileAtomic(this.file(name), `${JSON.stringify(value, null, 2)}\n`);
  }

  readJson<T>(name: string): T | undefined {
    const path = this.file(name);
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, "utf8")) as T;
  }

  appendMetric(record: Record<string, unknown>): void {
    appendJsonLine(this.file(files.metrics), record);
  }

  metrics<T = Record<string, unknown>>(): T[] {
    const path = this.file(files.metrics);
    return existsSync(path) ? readJsonLines<T>(readFileSync(path, "utf8")) : [];
  }

  /**
   * Drop metric records written after the checkpoint of `step`, and the
   * final evaluation at `step` itself (the resumed run goes on past it), so
   * the log reads as if the run had never stopped.
   */
  truncateMetrics(step: number): void {
    const kept = this.metrics<{ step?: number; final?: boolean }>().filter(
      (r) => (r.step ?? 0) < step || (r.step === step && r.final !== true),
    );
    writeFileAtomic(this.file(files.metrics), kept.map((r) => `${JSON.stringify(r)}\n`).join(""));
  }
}

/** Read a checkpoint file; a missing or malformed file is a clear error. */
export function readCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new TrainerError(
      "MISSING_FILE",
      `checkpoint ${path}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code})`}`,
    );
  }
  try {
    return Checkpoint.fromBytes(bytes);
  } catch (error) {
    throw new TrainerError("CHECKPOINT", `checkpoint ${path}: ${(error as Error).message}`);
  }
}

/**
 * The newest checkpoint of a run, read. A damaged newest checkpoint (a torn
 * file, flipped bytes) is an error that names the newest whole one, so the
 * user can continue from it by passing its path.
 */
export function readNewestCheckpoint(dir: RunDir): { path: string; checkpoint: Checkpoint } {
  const path = dir.latestCheckpoint();
  try {
    return { path, checkpoint: readCheckpoint(path) };
  } catch (error) {
    if (!(error instanceof TrainerError) || error.code !== "CHECKPOINT") throw error;
    const older = dir
      .checkpointFiles()
      .map((f) => f.path)
      .filter((p) => p !== path)
      .reverse()
      .find((p) => {
        try {
          readCheckpoint(p);
          return true;
        } catch {
          return false;
        }
      });
    const hint =
      older === undefined
        ? "no older checkpoint is whole"
        : `the older checkpoint ${older} is whole: pass its path instead of the run directory (e.g. \`recurrent resume ${older}\`)`;
    throw new TrainerError(
      "CHECKPOINT",
      `${error.message}\nthe newest checkpoint is damaged; ${hint}`,
    );
  }
}

/**
 * A run directory or a checkpoint file → the checkpoint to load and the
 * run directory it belongs to: a checkpoint inside a run's checkpoints/
 * belongs to that run.
 */
export function locateCheckpoint(
  cwd: string,
  target: string,
): { path: string; dir: RunDir | null } {
  const full = resolve(cwd, target);
  if (!existsSync(full)) {
    throw new TrainerError("MISSING_FILE", `${target}: no such run directory or checkpoint file`);
  }
  if (statSync(full).isDirectory()) {
    const dir = RunDir.open(full);
    return { path: dir.latestCheckpoint(), dir };
  }
  const parent = dirname(full);
  const owner = new RunDir(dirname(parent));
  const inRun = basename(parent) === files.checkpoints && owner.isRun();
  return { path: full, dir: inRun ? owner : null };
}

/** A path as the user should read it: relative to where they are, unless it lies elsewhere. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  if (shown === "") return ".";
  return shown.startsWith("..") || isAbsolute(shown) ? path : shown;
}
