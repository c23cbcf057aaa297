/**
 * The run directory: everything a run leaves behind, in one place.
 *
 *     config.json                  the resolved config (defaults filled), and the plugins
 *     metrics.jsonl                one JSON object per line: train steps, evaluations, samples
 *     checkpoints/step-000200.safetensors
 *                                  model, optimizer, schedule, RNG, data position, carried state
 *     report.html                  curves, gradient flow and samples, self-contained
 *     gradflow.json                ‖∂L/∂h_t‖ measured at the end of training
 *
 * Checkpoints, the config and the report are written atomically; a
 * checkpoint is never overwritten in place, and the oldest are pruned only
 * after a newer one is safely on disk.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { Checkpoint } from "@recurrent/nn";
import { TrainerError } from "./errors.js";
import { appendJsonLine, readJsonLines, writeFileAtomic } from "./files.js";

export const files = {
  config: "config.json",
  metrics: "metrics.jsonl",
  checkpoints: "checkpoints",
  report: "report.html",
  gradflow: "gradflow.json",
} as const;

const checkpointPattern = /^step-(\d+)\.safetensors$/;

/** A timestamp for directory names: 2025-01-31T14-05-09. */
export function timestamp(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}-${pad(date.getMinutes())}-${pad(date.getSeconds())}`;
}

export class RunDir {
  constructor(readonly path: string) {}

  static resolve(cwd: string, path: string): RunDir {
    return new RunDir(resolve(cwd, path));
  }

  /** Refuse a path that already holds a run (checked before any work, and again on create). */
  static checkFree(path: string): void {
    const dir = new RunDir(path);
    if (existsSync(path)) {
      if (!statSync(path).isDirectory()) {
        throw new TrainerError("RUN_DIR", `--out ${path}: exists and is not a directory`);
      }
      if (existsSync(dir.file(files.config)) || dir.checkpointFiles().length > 0) {
        throw new TrainerError(
          "RUN_DIR",
          `${path} already holds a run; continue it with \`recurrent resume ${path}\`, or choose another --out`,
        );
      }
    }
  }

  /** A new run directory; refuses one that already holds a run, so nothing is overwritten. */
  static create(path: string): RunDir {
    RunDir.checkFree(path);
    mkdirSync(join(path, files.checkpoints), { recursive: true });
    return new RunDir(path);
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
 * A run directory or a checkpoint file → the checkpoint to load and the
 * run directory it belongs to (if any).
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
  return { path: full, dir: null };
}

/** A path as the user should read it: relative to where they are, unless it lies elsewhere. */
export function displayPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  if (shown === "") return ".";
  return shown.startsWith("..") || isAbsolute(shown) ? path : shown;
}
