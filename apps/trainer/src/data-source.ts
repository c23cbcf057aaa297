/**
 * Where a run's data came from, pinned: a dataset read from a file (text,
 * lines, CSV) is recorded with its absolute path, its size and a SHA-256 of
 * its bytes, so `resume`, `eval` and `generate` from another directory read
 * the same file, and a file that changed since is noticed instead of being
 * used silently.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { TrainerConfig } from "./config.js";
import { isObject, type Json } from "./config-edit.js";
import { TrainerError } from "./errors.js";

export interface DataSource {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** A raw config with `data.dataset.path` made absolute against `cwd`. */
export function withAbsoluteDataPath(raw: Json, cwd: string): Json {
  const data = raw.data;
  if (!isObject(data) || !isObject(data.dataset)) return raw;
  const path = data.dataset.path;
  if (typeof path !== "string" || isAbsolute(path)) return raw;
  const out = structuredClone(raw);
  ((out.data as Json).dataset as Json).path = resolve(cwd, path);
  return out;
}

/** The file a config's dataset reads, if it reads one. */
export function dataFile(config: TrainerConfig, cwd: string): string | null {
  const path = config.data.dataset.path;
  return typeof path === "string" ? resolve(cwd, path) : null;
}

/** Path, size and SHA-256 of the dataset's file (null for built-in and synthetic data). */
export function fingerprintData(config: TrainerConfig, cwd: string): DataSource | null {
  const path = dataFile(config, cwd);
  if (path === null || !existsSync(path) || !statSync(path).isFile()) return null;
  const bytes = readFileSync(path);
  return { path, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/**
 * Compare the data a run was trained on with what its file holds now:
 * null when the same (or nothing was recorded), else a sentence saying what
 * changed.
 */
export function dataChange(
  recorded: DataSource | undefined,
  now: DataSource | null,
): string | null {
  if (recorded === undefined) return null;
  if (now === null) return `data: ${recorded.path}, which the run was trained on, is gone`;
  if (now.path !== recorded.path) {
    return `data: the run was trained on ${recorded.path}, this config reads ${now.path}`;
  }
  if (now.sha256 === recorded.sha256) return null;
  return `data: ${recorded.path} changed since the run was trained on it (${recorded.bytes.toLocaleString("en-US")} bytes, sha256 ${recorded.sha256.slice(0, 12)}… then; ${now.bytes.toLocaleString("en-US")} bytes, sha256 ${now.sha256.slice(0, 12)}… now)`;
}

/** Refuse changed data (resume), unless the user asked for it. */
export function requireSameData(
  recorded: DataSource | undefined,
  now: DataSource | null,
  allowDataChange: boolean,
): void {
  const change = dataChange(recorded, now);
  if (change !== null && !allowDataChange) {
    throw new TrainerError(
      "DATA",
      `${change}; restore it, or pass --allow-data-change to continue on the new data`,
    );
  }
}
