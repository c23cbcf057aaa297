/**
 * `recurrent import <file.safetensors> --config <config>`: PyTorch weights
 * (a `state_dict` saved with safetensors, e.g. by an exported train.py or
 * `safetensors.torch.save_file`) become a run directory, ready for
 * generate, eval, resume and export. The config builds the model the
 * weights must fit; mismatches are listed all at once, as the checkpoint
 * loader lists them. `--optimizer` brings torch's optimizer state along (in
 * the form an export writes), so a resumed run continues its trajectory.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { BatchPosition } from "@recurrent/data";
import { loadSafetensors, NnError, StateDictError } from "@recurrent/nn";
import { OptimError } from "@recurrent/optim";
import type { Tensor } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";
import type { TrainerIo } from "./io.js";
import { displayPath, files, RunDir, timestamp } from "./run-dir.js";
import { lockRun } from "./run-lock.js";
import { Session } from "./session.js";
import { type ConfigFlags, configFrom, registryWith } from "./setup.js";
import { fromTorchOptimizer } from "./torch-optimizer.js";

export interface ImportFlags extends ConfigFlags {
  readonly config?: string;
  readonly optimizer?: string;
  readonly out?: string;
  readonly plugin?: readonly string[];
}

function readSafetensors(path: string, shown: string): Record<string, Tensor> {
  if (!existsSync(path)) throw new TrainerError("MISSING_FILE", `${shown}: no such file`);
  try {
    return loadSafetensors(new Uint8Array(readFileSync(path))).tensors;
  } catch (error) {
    if (error instanceof NnError)
      throw new TrainerError("CHECKPOINT", `${shown}: ${error.message}`);
    throw error;
  }
}

/** DistributedDataParallel saves `module.`-prefixed keys when the wrapper is saved: take them off. */
function withoutWrapperPrefix(tensors: Record<string, Tensor>): Record<string, Tensor> {
  const keys = Object.keys(tensors);
  if (keys.length === 0 || !keys.every((k) => k.startsWith("module."))) return tensors;
  return Object.fromEntries(
    Object.entries(tensors).map(([k, v]) => [k.slice("module.".length), v]),
  );
}

/** What an export folder's config.json says of where training stands (train.py keeps it current). */
interface ExportProgress {
  readonly step: number;
  readonly position: BatchPosition | null;
  readonly stateParts: readonly string[];
}

function exportProgress(weightsPath: string): ExportProgress | null {
  const path = join(dirname(weightsPath), "config.json");
  if (!existsSync(path)) return null;
  try {
    const config = JSON.parse(readFileSync(path, "utf8"));
    if (config?.format !== "recurrent-pytorch-export@1") return null;
    return {
      step: Number(config.train?.step ?? 0),
      position: config.data?.position ?? null,
      stateParts: config.model?.stateParts ?? [],
    };
  } catch {
    return null;
  }
}

export async function importCommand(
  file: string,
  flags: ImportFlags,
  io: TrainerIo,
): Promise<number> {
  if (flags.config === undefined) {
    throw new TrainerError(
      "USAGE",
      "import: expected --config <file>, the config that builds the model these weights fit (an export's recurrent.json, or your training config)",
    );
  }
  const weightsPath = resolve(io.cwd, file);
  const optimizerPath =
    flags.optimizer === undefined ? undefined : resolve(io.cwd, flags.optimizer);
  const { config: configFile, optimizer: _o, out: _out, plugin, ...configFlags } = flags;
  const weights = withoutWrapperPrefix(readSafetensors(weightsPath, file));
  const optimizerBytes =
    optimizerPath === undefined
      ? undefined
      : (() => {
          readSafetensors(optimizerPath, flags.optimizer as string); // a readable file, checked now
          return new Uint8Array(readFileSync(optimizerPath));
        })();
  const { registry, plugins } = await registryWith(plugin ?? [], io.cwd);
  const config = configFrom(configFile, configFlags, registry, io);
  const outPath = RunDir.resolve(
    io.cwd,
    flags.out ??
      join("runs", `${timestamp()}-imported-${config.model.cell.name.replace(/\//g, "-")}`),
  ).path;
  RunDir.checkFree(outPath);

  const session = await Session.create(config, registry, { cwd: io.cwd, plugins });
  try {
    session.model.loadStateDict(weights);
  } catch (error) {
    if (error instanceof StateDictError) {
      throw new TrainerError(
        "CHECKPOINT",
        `${file} does not match the model this config builds (${session.model.recurrent.cell.definition.name}, ${config.model.layers} layer(s)); is it the right --config?\n${error.message}`,
      );
    }
    throw error;
  }
  if (optimizerBytes !== undefined) {
    const names = session.model.namedParameters().map(([name]) => name);
    const shapes = new Map(session.model.namedParameters().map(([name, p]) => [name, p.shape]));
    const { name, ...hyper } = config.optimizer;
    const state = fromTorchOptimizer(optimizerBytes, name, hyper, names, shapes);
    try {
      session.optimizer.loadStateDict(state);
    } catch (error) {
      if (error instanceof OptimError) {
        throw new TrainerError("CHECKPOINT", `${flags.optimizer}: ${error.message}`);
      }
      throw error;
    }
  }
  // Beside weights from an export folder: take up its step, data position and carried state,
  // so `recurrent resume` goes on where train.py stopped.
  const progress = optimizerBytes === undefined ? null : exportProgress(weightsPath);
  if (progress !== null) {
    session.step = progress.step;
    if (progress.position !== null) session.task.train.seek(progress.position);
    const dataPath = join(dirname(weightsPath), "data.safetensors");
    if (existsSync(dataPath)) {
      const data = readSafetensors(dataPath, dataPath);
      const carried = Object.fromEntries(
        progress.stateParts
          .filter((part) => data[`state.${part}`] !== undefined)
          .map((part) => [part, data[`state.${part}`] as Tensor]),
      );
      if (
        Object.keys(carried).length === progress.stateParts.length &&
        progress.stateParts.length > 0
      ) {
        session.carried = carried;
      }
    }
  }
  const dir = RunDir.create(outPath);
  // One process per run directory: an import racing another command for --out is refused here.
  const lock = lockRun(dir.path, "import");
  dir.writeJson(files.config, { config, plugins });
  const checkpoint = dir.writeCheckpoint(
    session.toCheckpoint(),
    session.step,
    config.train.keepCheckpoints,
  );
  lock.release();
  const shown = displayPath(io.cwd, dir.path);
  io.stdout.write(
    `imported ${Object.keys(weights).length} tensors from ${basename(weightsPath)}${optimizerBytes === undefined ? "" : " and the optimizer state"} into ${shown}\n` +
      `  checkpoint  ${displayPath(io.cwd, checkpoint)}${progress === null ? "" : ` (step ${progress.step}, data position and state from the export's config.json)`}\n` +
      `  next        recurrent generate ${shown} · recurrent eval ${shown} · recurrent resume ${shown}\n`,
  );
  return 0;
}
