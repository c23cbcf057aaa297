/**
 * Editing a raw config before it is checked: reading the file (a missing
 * file or broken JSON is a clear error), and `--set path=value` overrides
 * on dotted paths.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Json } from "@recurrent/registry";
import { TrainerError } from "./errors.js";

export type { Json };

export const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * A run directory's config.json wraps the config: `{ config, plugins, data }`.
 * Such a file is accepted wherever a config file is, so a run can be
 * repeated or varied from its own record.
 */
function isRunRecord(value: Json): value is { config: Json; plugins?: string[] } {
  const keys = Object.keys(value);
  return (
    isObject(value.config) &&
    keys.every((k) => k === "config" || k === "plugins" || k === "data") &&
    (value.plugins === undefined || Array.isArray(value.plugins))
  );
}

/** The plugins a run's config.json records (none for an ordinary config file). */
export function pluginsOfConfigFile(path: string, cwd: string): string[] {
  const raw = readJsonObject(path, cwd);
  return isRunRecord(raw) ? (raw.plugins ?? []).filter((p) => typeof p === "string") : [];
}

/** Read a config file (or a run's config.json); a missing file or broken JSON is a clear error. */
export function readConfigFile(path: string, cwd: string): Json {
  const raw = readJsonObject(path, cwd);
  return isRunRecord(raw) ? structuredClone(raw.config) : raw;
}

function readJsonObject(path: string, cwd: string): Json {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new TrainerError(
      "MISSING_FILE",
      `config file ${JSON.stringify(path)}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code ?? (error as Error).message})`}${code === "ENOENT" ? ` (looked in ${cwd})` : ""}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TrainerError(
      "CONFIG",
      `config file ${JSON.stringify(path)}: not valid JSON: ${(error as Error).message}`,
    );
  }
  if (!isObject(parsed)) {
    throw new TrainerError(
      "CONFIG",
      `config file ${JSON.stringify(path)}: expected a JSON object, got ${Array.isArray(parsed) ? "an array" : typeof parsed}`,
    );
  }
  return parsed;
}

/**
 * Apply `path=value` overrides (`train.steps=200`, `model.cell.name=gru`,
 * `eval.horizons=[1,8]`): the value is JSON when it parses, else a string.
 */
export function applyOverrides(raw: Json, sets: readonly string[]): Json {
  const out = structuredClone(raw);
  for (const set of sets) {
    const at = set.indexOf("=");
    if (at <= 0) {
      throw new TrainerError(
        "USAGE",
        `--set ${JSON.stringify(set)}: expected path=value, e.g. --set train.steps=200`,
      );
    }
    const path = set.slice(0, at).trim().split(".");
    if (path.some((p) => p === "")) {
      throw new TrainerError(
        "USAGE",
        `--set ${JSON.stringify(set)}: the path has an empty part; write it like train.steps`,
      );
    }
    setPath(out, path, parseValue(set.slice(at + 1)));
  }
  return out;
}

export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function setPath(root: Json, path: readonly string[], value: unknown): void {
  let node = root;
  for (const part of path.slice(0, -1)) {
    let next = node[part];
    if (typeof next === "string") next = { name: next }; // "cell": "gru", then cell.hidden=…
    if (!isObject(next)) next = {};
    node[part] = next;
    node = next as Json;
  }
  node[path[path.length - 1] as string] = value;
}

export function getPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const part of path) {
    if (!isObject(node)) return undefined;
    node = node[part];
  }
  return node;
}
