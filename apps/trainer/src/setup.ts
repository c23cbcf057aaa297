/**
 * What every command does first: load plugins, build the registry, read the
 * config (file, flags, overrides) and resolve it; or open an existing run
 * (a run directory or a checkpoint file) with the config and plugins it was
 * trained with.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { takesSharedHidden } from "@recurrent/cells";
import type { Checkpoint } from "@recurrent/nn";
import type { Json, Registry } from "@recurrent/registry";
import { createTrainerRegistry } from "./builtins.js";
import { capabilitiesOf } from "./cell-capabilities.js";
import { resolveConfig, type TrainerConfig, withEntryDefaults } from "./config.js";
import { applyOverrides, readConfigFile, setPath } from "./config-edit.js";
import { withAbsoluteDataPath } from "./data-source.js";
import { TrainerError } from "./errors.js";
import type { TrainerIo } from "./io.js";
import { loadPlugin, loadPlugins } from "./plugins.js";
import { locateCheckpoint, type RunDir, readCheckpoint, readNewestCheckpoint } from "./run-dir.js";

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
  readonly allowDataChange?: boolean;
}

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
 * The recorded plugins of a run plus the ones given now. A given plugin
 * replaces a recorded one of the same plugin name, and a recorded path
 * that no longer exists (the plugin moved) is dropped when plugins are
 * given: `--plugin <new path>` overrides the record.
 */
async function registryForRun(
  recorded: readonly string[],
  given: readonly string[],
  cwd: string,
): Promise<{ registry: Registry; plugins: string[] }> {
  const givenSpecs = [...new Set(given.map((s) => absoluteSpec(s, cwd)))];
  const givenPlugins = await loadPlugins(givenSpecs, cwd);
  const givenNames = new Set(givenPlugins.map((p) => p.name));
  const kept: string[] = [];
  const keptPlugins = [];
  for (const spec of recorded) {
    if (givenSpecs.includes(spec)) continue;
    if (isAbsolute(spec) && !existsSync(spec)) {
      if (givenSpecs.length > 0) continue;
      throw new TrainerError(
        "PLUGIN",
        `plugin ${spec}, which this run was trained with, is gone; if it moved, pass its new location with --plugin <path>`,
      );
    }
    const plugin = await loadPlugin(spec, cwd);
    if (givenNames.has(plugin.name)) continue;
    kept.push(spec);
    keptPlugins.push(plugin);
  }
  const registry = createTrainerRegistry(undefined, [...keptPlugins, ...givenPlugins]);
  return { registry, plugins: [...kept, ...givenSpecs] };
}

/** Flags that name the data two ways at once are a usage error. */
function checkConflicts(flags: ConfigFlags): void {
  if (flags.dataset !== undefined && flags.text !== undefined) {
    throw new TrainerError(
      "USAGE",
      `--dataset ${flags.dataset} and --text ${flags.text} both choose the data; give one`,
    );
  }
}

/**
 * Turn the specific flags into config edits, applied after the file and
 * before --set. With a registry, `--cell` keeps the config's `hidden` only
 * for a cell whose `hidden` sizes a state or a layer (its capabilities).
 */
export function applyFlags(raw: Json, flags: ConfigFlags, registry?: Registry): Json {
  checkConflicts(flags);
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
  return resolveConfig(withAbsoluteDataPath(applyFlags(raw, flags, registry), io.cwd), registry);
}

export interface OpenedRun {
  /** The recorded config, resolved, before the flags (resume compares the two). */
  readonly recorded: TrainerConfig | null;
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
  const located = locateCheckpoint(io.cwd, target);
  const { dir } = located;
  const { path, checkpoint } =
    dir !== null && resolve(io.cwd, target) === dir.path
      ? readNewestCheckpoint(dir)
      : { path: located.path, checkpoint: readCheckpoint(located.path) };
  const recorded = checkpoint.has("config")
    ? checkpoint.json<{ config: Json; plugins?: string[] }>("config")
    : undefined;
  if (recorded === undefined && configFile === undefined) {
    throw new TrainerError(
      "CHECKPOINT",
      `checkpoint ${path} records no config (it was not written by the trainer); pass one with --config`,
    );
  }
  const { registry, plugins } = await registryForRun(recorded?.plugins ?? [], extraPlugins, io.cwd);
  const raw =
    configFile !== undefined ? readConfigFile(configFile, io.cwd) : (recorded?.config as Json);
  const config = resolveConfig(
    withAbsoluteDataPath(applyFlags(raw, flags, registry), io.cwd),
    registry,
  );
  const recordedConfig =
    recorded === undefined
      ? null
      : resolveConfig(withAbsoluteDataPath(recorded.config as Json, io.cwd), registry);
  return {
    recorded: recordedConfig,
    checkpoint,
    checkpointPath: path,
    dir,
    config,
    registry,
    plugins,
  };
}

/**
 * A run stopped before its first checkpoint (killed early): its config.json
 * and plugins, to start it again from step 0 in the same directory.
 */
export async function openUncheckpointedRun(
  dir: RunDir,
  io: TrainerIo,
  extraPlugins: readonly string[],
  flags: ConfigFlags,
  configFile?: string,
): Promise<{ config: TrainerConfig; registry: Registry; plugins: string[] }> {
  const record = dir.readJson<{ config: Json; plugins?: string[] }>("config.json");
  if (record === undefined) {
    throw new TrainerError("MISSING_FILE", `${dir.path} holds no run (no config.json)`);
  }
  const { registry, plugins } = await registryForRun(record.plugins ?? [], extraPlugins, io.cwd);
  const raw = configFile !== undefined ? readConfigFile(configFile, io.cwd) : record.config;
  const config = resolveConfig(
    withAbsoluteDataPath(applyFlags(raw, flags, registry), io.cwd),
    registry,
  );
  return { config, registry, plugins };
}
