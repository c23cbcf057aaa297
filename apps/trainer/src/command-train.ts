/**
 * `recurrent train` and `recurrent resume`, and the main job (`pnpm start`
 * with no arguments): set up, say what is about to happen, train, and end
 * by saying where everything is and what to try next.
 */
import { availableParallelism } from "node:os";
import type { Registry } from "@recurrent/registry";
import { checkCell } from "./cell-check.js";
import type { TrainerConfig } from "./config.js";
import { runName } from "./config.js";
import { pluginsOfConfigFile } from "./config-edit.js";
import { type DataSource, fingerprintData, requireSameData } from "./data-source.js";
import { TrainerError } from "./errors.js";
import { checkSplit, formatMetrics } from "./evaluate.js";
import { measureGradFlow } from "./gradient-flow.js";
import type { TrainerIo } from "./io.js";
import { describeLongRange } from "./long-range-task.js";
import { parameterCount } from "./model.js";
import { checkDisk } from "./preflight.js";
import { formatDuration, formatRate } from "./progress.js";
import { checkResumeChanges } from "./resume-changes.js";
import { displayPath, files, freshRunPath, RunDir } from "./run-dir.js";
import { lockRun, type RunLock } from "./run-lock.js";
import { writeRunReport } from "./run-report.js";
import { sampleText } from "./sample.js";
import { Session } from "./session.js";
import {
  type ConfigFlags,
  configFrom,
  openRun,
  openUncheckpointedRun,
  registryWith,
} from "./setup.js";
import { describeSignal, exitCodeOf } from "./signals.js";
import { splitSizes, type Task } from "./task.js";
import { type LoopResult, sampleGenerator, showSample, trainLoop } from "./train-loop.js";

/** What config.json holds: the resolved config, the plugins and the data file's fingerprint. */
export interface RunRecord {
  readonly config: TrainerConfig;
  readonly plugins: readonly string[];
  readonly data?: DataSource;
}

export interface TrainFlags extends ConfigFlags {
  readonly plugin?: readonly string[];
  readonly out?: string;
}

export interface TrainOptions {
  /** The main job: sample before and after, and the closing hints. */
  readonly showcase?: boolean;
  /** How to call this program in the closing hints. */
  readonly commandName?: string;
}

/** The main job's settings over the defaults: an LSTM on Moby Dick for one minute. */
export const mainJob = {
  train: { steps: null, minutes: 1, evalEvery: 100, checkpointEvery: 100, threads: "auto" },
  eval: { maxTokens: 8192, sampleLength: 120 },
};

function describeModel(session: Session): string {
  const { config, model } = session;
  const cell = config.model.cell;
  const options = Object.entries(cell)
    .filter(([k]) => k !== "name")
    .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
    .join(", ");
  const layers = config.model.layers === 1 ? "" : `, ${config.model.layers} layers`;
  return `${cell.name}${options === "" ? "" : ` (${options}${layers})`} · ${parameterCount(model).toLocaleString("en-US")} parameters`;
}

function describeData(session: Session): string {
  const { task } = session;
  const sizes = splitSizes(task);
  const n = (v: number) => v.toLocaleString("en-US");
  if (task.kind === "long-range") return describeLongRange(task);
  if (task.kind === "forecast") {
    return `${task.description}: ${n(sizes.train)} / ${n(sizes.validation)} / ${n(sizes.test)} values (train/validation/test), scaler ${task.scaler?.kind ?? "none"}`;
  }
  const unit =
    task.source === "sequences" ? "sequences" : task.unit === "char" ? "characters" : "tokens";
  return `${task.description}: ${n(sizes.train)} / ${n(sizes.validation)} / ${n(sizes.test)} ${unit} (train/validation/test), vocabulary ${task.vocab}`;
}

/** The data line a run prints on start and on resume. */
function dataLine(session: Session, io: TrainerIo): string {
  const source = session.dataSource;
  const pinned =
    source === null
      ? ""
      : ` · ${displayPath(io.cwd, source.path)} (sha256 ${source.sha256.slice(0, 12)}…)`;
  return `data    ${describeData(session)}${pinned}`;
}

/**
 * Lock the run directory, then remove the temporary files of killed
 * writes (no live writer can own them while we hold the lock).
 */
function takeRun(dir: RunDir, command: string, io: TrainerIo): RunLock {
  const lock = lockRun(dir.path, command);
  if (lock.staleOwner !== null) {
    io.stderr.write(
      `note: removed the stale lock of process ${lock.staleOwner}, which is no longer running\n`,
    );
  }
  const removed = dir.removeStaleTemporaries();
  if (removed.length > 0) {
    io.stderr.write(
      `note: removed ${removed.length} temporary file(s) of interrupted writes (${removed.slice(0, 3).join(", ")}${removed.length > 3 ? ", …" : ""})\n`,
    );
  }
  return lock;
}

/** Checks before a run directory is touched: the cell, the validation split, the disk. */
function preflight(session: Session, registry: Registry, runPath: string, io: TrainerIo): void {
  checkCell(session.config, registry, session.task);
  checkSplit(session.task, "validation");
  const warning = checkDisk(session, runPath);
  if (warning !== null) io.stderr.write(`${warning}\n`);
}

function budgetText(config: TrainerConfig, task?: Task): string {
  const { steps, minutes, batchSize, bptt, threads } = config.train;
  const parts = [];
  if (steps !== null) parts.push(`${steps} steps`);
  if (minutes !== null) parts.push(`${minutes} min`);
  const sequences = task?.kind === "language-model" && task.source === "sequences";
  const batch = sequences
    ? `${batchSize} sequences`
    : task?.kind === "long-range"
      ? `${batchSize} examples`
      : `${batchSize} × ${bptt} steps`;
  const count = threads === "auto" ? availableParallelism() : threads;
  return `${parts.join(" or ")} · batch ${batch}${count > 1 ? ` · ${count} threads` : ""}`;
}

function sampleNow(session: Session, length: number): string | undefined {
  const { task, config } = session;
  if (task.kind !== "language-model") return undefined;
  return sampleText(session.model, task, {
    prefix: config.eval.samplePrefix,
    length,
    temperature: config.eval.temperature,
    topK: config.eval.topK,
    greedy: false,
    generator: sampleGenerator(config.train.seed + 1, session.step),
  });
}

function summaryRows(session: Session, result: LoopResult): [string, string][] {
  const { config } = session;
  return [
    ["model", describeModel(session)],
    ["data", describeData(session)],
    ["optimizer", JSON.stringify(config.optimizer)],
    ["steps", String(session.step)],
    ["tokens", session.tokens.toLocaleString("en-US")],
    ["training time", formatDuration(session.elapsedMs / 1000)],
    ["validation", formatMetrics(session.task, result.metrics)],
  ];
}

/** After a loop: gradient flow, the report, the closing lines. */
async function finish(
  session: Session,
  dir: RunDir,
  io: TrainerIo,
  result: LoopResult,
  options: TrainOptions,
): Promise<number> {
  const say = (text = "") => io.stdout.write(`${text}\n`);
  const shown = (path: string) => displayPath(io.cwd, path);
  if (!result.interrupted) {
    const flow = measureGradFlow(session.model, session.task, session.loss, {
      length: session.config.train.bptt,
      batch: Math.min(8, session.config.train.batchSize),
    });
    dir.writeJson(files.gradflow, flow);
  }
  const report = writeRunReport(
    dir,
    session.config,
    `${runName(session.config)} — recurrent`,
    summaryRows(session, result),
  );
  const seconds = result.wallMs / 1000;
  const rate = result.tokens / Math.max(seconds, 1e-9);
  if (result.interrupted) {
    const by = result.signal === null ? "" : ` by ${describeSignal(result.signal)}`;
    say(
      `\ninterrupted at step ${session.step}${by}: checkpoint written. Continue with: ${options.commandName ?? "recurrent"} resume ${shown(dir.path)}`,
    );
  } else {
    say(
      `\ndone: ${result.steps} steps in ${formatDuration(seconds)} (${formatRate(rate)} tok/s) · validation ${formatMetrics(session.task, result.metrics)}`,
    );
  }
  if (options.showcase && !result.interrupted) {
    const after = sampleNow(session, 300);
    if (after !== undefined) say(`\nsample after training:\n${showSample(after)}`);
  }
  say(`\nrun directory: ${shown(dir.path)}`);
  say(`  checkpoint  ${shown(result.checkpoint)}`);
  say(`  report      ${shown(report)}   (curves, gradient flow, samples; open it in a browser)`);
  say(`  metrics     ${shown(dir.file(files.metrics))}`);
  if (options.showcase) {
    const self = options.commandName ?? "recurrent";
    const run = shown(dir.path);
    const hints: [string, string][] = [
      ["write more text", `${self} generate ${run} --prefix "Call me" --length 400`],
      ["keep training", `${self} resume ${run} --minutes 5`],
      ["the note's ladder", `${self} compare --steps 150`],
      ["vanishing gradients", `${self} gradflow`],
      ["your own text", `${self} train --text my-book.txt --minutes 5`],
      ["everything else", `${self} --help`],
    ];
    say("\nwhat next:");
    for (const [what, command] of hints) say(`  ${what.padEnd(20)} ${command}`);
  }
  if (!result.interrupted) return 0;
  return exitCodeOf(result.signal ?? "SIGINT");
}

export async function trainCommand(
  configFile: string | undefined,
  flags: TrainFlags,
  io: TrainerIo,
  options: TrainOptions = {},
): Promise<number> {
  const filePlugins = configFile === undefined ? [] : pluginsOfConfigFile(configFile, io.cwd);
  const { registry, plugins } = await registryWith(
    [...filePlugins, ...(flags.plugin ?? [])],
    io.cwd,
  );
  const config = configFrom(
    configFile,
    flags,
    registry,
    io,
    options.showcase ? structuredClone(mainJob) : {},
  );
  const commandName = options.commandName ?? "recurrent";
  const outPath =
    flags.out === undefined
      ? freshRunPath(RunDir.resolve(io.cwd, "runs").path, runName(config))
      : RunDir.resolve(io.cwd, flags.out).path;
  RunDir.checkFree(outPath, commandName);
  const say = (text = "") => io.stdout.write(`${text}\n`);
  if (options.showcase) {
    say("recurrent — sequence models in TypeScript. The main job: a character-level LSTM");
    say("reads Moby Dick for about a minute and learns to write like it.\n");
  }
  const dataSource = fingerprintData(config, io.cwd);
  const session = await Session.create(config, registry, { cwd: io.cwd, plugins, dataSource });
  preflight(session, registry, outPath, io);
  const dir = RunDir.create(outPath, commandName);
  const lock = takeRun(dir, "train", io);
  try {
    const record: RunRecord = {
      config,
      plugins,
      ...(dataSource === null ? {} : { data: dataSource }),
    };
    dir.writeJson(files.config, record);
    say(`model   ${describeModel(session)}`);
    say(dataLine(session, io));
    say(`budget  ${budgetText(config, session.task)} · seed ${config.train.seed}`);
    say(`run     ${displayPath(io.cwd, dir.path)}`);
    if (options.showcase) {
      const before = sampleNow(session, 120);
      if (before !== undefined)
        say(`\nsample before training (random weights):\n${showSample(before)}`);
    }
    say("");
    const result = await trainLoop(session, dir, io);
    return await finish(session, dir, io, result, options);
  } finally {
    lock.release();
  }
}

export interface ResumeFlags extends ConfigFlags {
  readonly plugin?: readonly string[];
  readonly config?: string;
}

export async function resumeCommand(
  target: string,
  flags: ResumeFlags,
  io: TrainerIo,
  options: TrainOptions = {},
): Promise<number> {
  const full = RunDir.resolve(io.cwd, target).path;
  const asDir = new RunDir(full);
  if (asDir.isRun() && asDir.checkpointFiles().length === 0) {
    return startOver(asDir, flags, io, options);
  }
  const opened = await openRun(target, io, flags.plugin ?? [], flags, flags.config);
  if (opened.dir === null) {
    throw new TrainerError(
      "USAGE",
      `resume: expected a run directory (with config.json, metrics.jsonl and checkpoints/) or a checkpoint in one, got the file ${target}`,
    );
  }
  const dir = opened.dir;
  const allowDataChange = flags.allowDataChange === true;
  const { lr } =
    opened.recorded === null
      ? { lr: null }
      : checkResumeChanges(opened.recorded, opened.config, { allowDataChange });
  const dataSource = fingerprintData(opened.config, io.cwd);
  const session = await Session.create(opened.config, opened.registry, {
    cwd: io.cwd,
    checkpoint: opened.checkpoint,
    plugins: opened.plugins,
  });
  const recordedSource = session.dataSource ?? dir.readJson<RunRecord>(files.config)?.data;
  requireSameData(recordedSource ?? undefined, dataSource, allowDataChange);
  session.dataSource = dataSource;
  if (lr !== null) session.optimizer.lr = lr;
  const { steps, minutes } = opened.config.train;
  const reachedSteps = steps !== null && session.step >= steps;
  const reachedTime = minutes !== null && session.elapsedMs >= minutes * 60_000;
  if (reachedSteps || reachedTime) {
    io.stdout.write(
      `nothing to do: the run is at step ${session.step}, which already meets its budget (${budgetText(opened.config)}); extend it with --steps N or --minutes M\n`,
    );
    return 0;
  }
  checkSplit(session.task, "validation");
  const lock = takeRun(dir, "resume", io);
  try {
    // Only now, with everything checked and the directory ours, touch it.
    dir.truncateMetrics(session.step);
    const record: RunRecord = {
      config: opened.config,
      plugins: opened.plugins,
      ...(dataSource === null ? {} : { data: dataSource }),
    };
    dir.writeJson(files.config, record);
    io.stdout.write(
      `resuming ${displayPath(io.cwd, dir.path)} at step ${session.step} (${displayPath(io.cwd, opened.checkpointPath)})\nmodel   ${describeModel(session)}\n${dataLine(session, io)}\nbudget  ${budgetText(opened.config, session.task)}${lr === null ? "" : ` · lr ${lr} (was ${opened.recorded?.optimizer.lr})`}\n\n`,
    );
    const result = await trainLoop(session, dir, io);
    return await finish(session, dir, io, result, options);
  } finally {
    lock.release();
  }
}

/**
 * A run stopped before its first checkpoint (killed within the first
 * `checkpointEvery` steps) starts again from step 0, from its recorded
 * config, in its own directory.
 */
async function startOver(
  dir: RunDir,
  flags: ResumeFlags,
  io: TrainerIo,
  options: TrainOptions,
): Promise<number> {
  const { config, registry, plugins } = await openUncheckpointedRun(
    dir,
    io,
    flags.plugin ?? [],
    flags,
    flags.config,
  );
  const dataSource = fingerprintData(config, io.cwd);
  requireSameData(
    dir.readJson<RunRecord>(files.config)?.data,
    dataSource,
    flags.allowDataChange === true,
  );
  const session = await Session.create(config, registry, { cwd: io.cwd, plugins, dataSource });
  preflight(session, registry, dir.path, io);
  const lock = takeRun(dir, "resume", io);
  try {
    dir.truncateMetrics(0);
    const record: RunRecord = {
      config,
      plugins,
      ...(dataSource === null ? {} : { data: dataSource }),
    };
    dir.writeJson(files.config, record);
    io.stdout.write(
      `${displayPath(io.cwd, dir.path)} stopped before its first checkpoint: starting it again from step 0 with its recorded config\nmodel   ${describeModel(session)}\n${dataLine(session, io)}\nbudget  ${budgetText(config, session.task)}\n\n`,
    );
    const result = await trainLoop(session, dir, io);
    return await finish(session, dir, io, result, options);
  } finally {
    lock.release();
  }
}
