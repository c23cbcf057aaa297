/**
 * What every command does first: load plugins, build the registry, read the
 * config (file, flags, overrides) and resolve it; or open an existing run
 * (a run directory or a checkpoint file) with the config and plugins it was
 * trained with.
 */
import { isAbsolute, resolve } from "node:path";
import type { Checkpoint } from "@recurrent/nn";
import type { Registry } from "@recurrent/registry";
import { takesSharedHidden } from "@recurrent/cells";
import { createTrainerRegistry } from "./builtins.js";
import { capabilitiesOf } from "./cell-capabilities.js";
import { resolveConfig, type TrainerConfig, withEntryDefaults } from "./config.js";
import { applyOverrides, readConfigFile, setPath } from "./config-edit.js";
import { TrainerError } from "./errors.js";
import type { TrainerIo } from "./io.js";
import { loadPlugins } from "./plugins.js";
import { locateCheckpoint, type RunDir, readCheckpoint } from "./run-dir.js";

/** Flags shared by the commands that take a config. */
export interface ConfigFlags {
  readonly set?: readonly string[];
  readonly steps?: string;
  readonly minutes?: string;
  readonly cell?: string;
  readonly hidden?: string;
  readonly layers?: string;
  readonly dataset?: string;
  readonly text?: string;
  readonly lr?: string;
  readonly batchSize?: string;
  readonly bptt?: string;
  readonly seed?: string;
  readonly threads?: string;
  readonly clip?: string;
  readonly evalEvery?: string;
  readonly checkpointEvery?: string;
}

type Json = Record<string, unknown>;

/** A path-like plugin spec made absolute, so a run dir's record works from anywhere. */
function absoluteSpec(spec: string, cwd: string): string {
  return spec.startsWith(".") || isAbsolute(spec) ? resolve(cwd, spec) : spec;
}

export async function registryWith(
  specs: readonly string[],
  cwd: string,
): Promise<{ registry: Registry; plugins: string[] }> {
  const plugins = [...new Set(specs.map((s) => absoluteSpec(s, cwd)))];
  const registry = createTrainerRegistry(undefined, await loadPlugins(plugins, cwd));
  return { registry, plugins };
}

/**
 * Turn the specific flags into config edits, applied after the file and
 * before --set. With a registry, `--cell` keeps the config's `hidden` only
 * for a cell whose `hidden` sizes a state or a layer (its capabilities).
 */
export function applyFlags(raw: Json, flags: ConfigFlags, registry?: Registry): Json {
  const out = withEntryDefaults(raw);
  const number = (flag: string, value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n)) {
      throw new TrainerError("USAGE", `--${flag}: expected a number, got ${JSON.stringify(value)}`);
    }
    return n;
  };
  const put = (path: string, value: unknown) => setPath(out, path.split("."), value);
  if (flags.cell !== undefined) {
    const previous = (out.model as Json | undefined)?.cell as Json | undefined;
    const hidden = previous?.hidden;
    const known = registry?.has("cell", flags.cell) === true;
    const carry =
      hidden !== undefined &&
      (!known || takesSharedHidden(capabilitiesOf(registry as Registry, flags.cell)));
    put("model.cell", { name: flags.cell, ...(carry ? { hidden } : {}) });
  }
  if (flags.hidden !== undefined) put("model.cell.hidden", number("hidden", flags.hidden));
  if (flags.layers !== undefined) put("model.layers", number("layers", flags.layers));
  if (flags.dataset !== undefined) put("data.dataset", { name: flags.dataset });
  if (flags.text !== undefined) put("data.dataset", { name: "text-file", path: flags.text });
  if (flags.lr !== undefined) put("optimizer.lr", number("lr", flags.lr));
  if (flags.steps !== undefined) {
    put("train.steps", flags.steps === "none" ? null : number("steps", flags.steps));
  }
  if (flags.minutes !== undefined) {
    put("train.minutes", flags.minutes === "none" ? null : number("minutes", flags.minutes));
    if (flags.steps === undefined) put("train.steps", null);
  }
  if (flags.batchSize !== undefined) put("train.batchSize", number("batch-size", flags.batchSize));
  if (flags.bptt !== undefined) put("train.bptt", number("bptt", flags.bptt));
  if (flags.seed !== undefined) put("train.seed", number("seed", flags.seed));
  if (flags.threads !== undefined) {
    put("train.threads", flags.threads === "auto" ? "auto" : number("threads", flags.threads));
  }
  if (flags.clip !== undefined) {
    put("train.clip", flags.clip === "none" ? null : number("clip", flags.clip));
  }
  if (flags.evalEvery !== undefined) put("train.evalEvery", number("eval-every", flags.evalEvery));
  if (flags.checkpointEvery !== undefined) {
    put("train.checkpointEvery", number("checkpoint-every", flags.checkpointEvery));
  }
  return applyOverrides(out, flags.set ?? []);
}

/** A config from a file (or the defaults), the flags and the overrides, resolved. */
export function configFrom(
  file: string | undefined,
  flags: ConfigFlags,
  registry: Registry,
  io: TrainerIo,
  base: Json = {},
): TrainerConfig {
  const raw = file === undefined ? base : { ...base, ...readConfigFile(file, io.cwd) };
  return resolveConfig(applyFlags(raw, flags, registry), registry);
}

export interface OpenedRun {
  readonly checkpoint: Checkpoint;
  readonly checkpointPath: string;
  readonly dir: RunDir | null;
  readonly config: TrainerConfig;
  readonly registry: Registry;
  readonly plugins: string[];
}

/** A run directory or checkpoint file, with the config (plus flags) and plugins it records. */
export async function openRun(
  target: string,
  io: TrainerIo,
  extraPlugins: readonly string[],
  flags: ConfigFlags,
  configFile?: string,
): Promise<OpenedRun> {
  const { path, dir } = locateCheckpoint(io.cwd, target);
  const checkpoint = readCheckpoint(path);
  const recorded = checkpoint.has("config")
    ? checkpoint.json<{ config: Json; plugins?: string[] }>("config")
    : undefined;
  if (recorded === undefined && configFile === undefined) {
    throw new TrainerError(
      "CHECKPOINT",
      `checkpoint ${path} records no config (it was not written by the trainer); pass one with --config`,
    );
  }
  const { registry, plugins } = await registryWith(
    [...(recorded?.plugins ?? []), ...extraPlugins],
    io.cwd,
  );
  const raw =
    configFile !== undefined ? readConfigFile(configFile, io.cwd) : (recorded?.config as Json);
  const config = resolveConfig(applyFlags(raw, flags, registry), registry);
  return { checkpoint, checkpointPath: path, dir, config, registry, plugins };
}
