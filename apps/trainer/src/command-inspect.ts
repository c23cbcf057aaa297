/**
 * The commands that use a trained model without training it:
 * `recurrent eval`, `recurrent generate` and `recurrent forecast`. Each
 * takes a run directory (its newest checkpoint) or a checkpoint file, and
 * rebuilds the model from the config recorded in it; a config given with
 * --config or changed with --set must build the same model, or loading
 * fails with every mismatched parameter listed.
 */

import { resolve } from "node:path";
import type { SequenceModel } from "@recurrent/cells";
import { readCsvColumn } from "@recurrent/data/node";
import { Generator } from "@recurrent/tensor";
import { dataChange, fingerprintData } from "./data-source.js";
import { TrainerError } from "./errors.js";
import { formatMetrics, rollOut } from "./evaluate.js";
import {
  checkPrefix,
  maxGenerateCount,
  maxGenerateLength,
  seedFlag,
  wholeFlag,
} from "./generate-flags.js";
import type { TrainerIo } from "./io.js";
import { languageModelFromCheckpoint } from "./model-only.js";
import { sampleText } from "./sample.js";
import { Session } from "./session.js";
import { type ConfigFlags, openRun } from "./setup.js";
import type { Task } from "./task.js";

export interface InspectFlags extends ConfigFlags {
  readonly plugin?: readonly string[];
  readonly config?: string;
  readonly json?: boolean;
}

async function openSession(target: string, flags: InspectFlags, io: TrainerIo): Promise<Session> {
  const opened = await openRun(target, io, flags.plugin ?? [], flags, flags.config);
  const session = await Session.create(opened.config, opened.registry, {
    cwd: io.cwd,
    checkpoint: opened.checkpoint,
    plugins: opened.plugins,
  });
  // The data file the run was trained on, by absolute path and hash: say so if it changed.
  const change = dataChange(
    session.dataSource ?? undefined,
    fingerprintData(opened.config, io.cwd),
  );
  if (change !== null)
    io.stderr.write(`warning: ${change}; the results are on the file as it is now\n`);
  return session;
}

export async function evalCommand(
  target: string,
  flags: InspectFlags & { readonly split?: string },
  io: TrainerIo,
): Promise<number> {
  const split = flags.split ?? "validation";
  if (split !== "validation" && split !== "test") {
    throw new TrainerError(
      "USAGE",
      `--split: expected "validation" or "test", got ${JSON.stringify(split)}`,
    );
  }
  const session = await openSession(target, flags, io);
  const metrics = session.evaluate(split);
  if (flags.json) io.stdout.write(`${JSON.stringify({ step: session.step, split, ...metrics })}\n`);
  else io.stdout.write(`step ${session.step} · ${split} ${formatMetrics(session.task, metrics)}\n`);
  return 0;
}

/**
 * What generate needs: the model and the tokenizer, both in the checkpoint;
 * the training text is not read (it may have moved or changed). Older
 * checkpoints without the tokenizer's framing go through a full session.
 */
async function openLanguageModel(
  target: string,
  flags: InspectFlags,
  io: TrainerIo,
): Promise<{ model: SequenceModel; task: Task }> {
  const opened = await openRun(target, io, flags.plugin ?? [], flags, flags.config);
  const alone = languageModelFromCheckpoint(opened.config, opened.registry, opened.checkpoint);
  if (alone !== null) return alone;
  const session = await openSession(target, flags, io);
  return { model: session.model, task: session.task };
}

export interface GenerateFlags extends InspectFlags {
  readonly prefix?: string;
  readonly length?: string;
  readonly temperature?: string;
  readonly topK?: string;
  readonly greedy?: boolean;
  readonly seed?: string;
  readonly count?: string;
}

function positive(
  flag: string,
  value: string | undefined,
  fallback: number,
  integer = true,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new TrainerError(
      "USAGE",
      `--${flag}: expected a positive ${integer ? "whole number" : "number"}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export async function generateCommand(
  target: string,
  flags: GenerateFlags,
  io: TrainerIo,
): Promise<number> {
  const length = wholeFlag("length", flags.length, 200, 1, maxGenerateLength);
  const temperature = positive("temperature", flags.temperature, 0.8, false);
  const topK = flags.topK === undefined ? null : positive("top-k", flags.topK, 1);
  const count = wholeFlag("count", flags.count, 1, 1, maxGenerateCount);
  const seed = seedFlag(flags.seed);
  if (flags.greedy === true && flags.topK !== undefined) {
    throw new TrainerError(
      "USAGE",
      "--greedy always takes the most likely token, so --top-k would be ignored; give one or the other",
    );
  }
  const { seed: _ignored, ...configFlags } = flags;
  const { model, task } = await openLanguageModel(target, configFlags, io);
  if (task.kind !== "language-model") {
    throw new TrainerError(
      "USAGE",
      task.kind === "forecast"
        ? `generate: this run forecasts a series; use \`recurrent forecast ${target}\``
        : `generate: this run learns ${task.dataset.name}, a long-range task, not a language model; use \`recurrent eval ${target}\``,
    );
  }
  const { unknown } = checkPrefix(task, flags.prefix ?? "");
  if (unknown > 0) {
    io.stderr.write(
      `note: ${unknown} token(s) of --prefix are not in the model's vocabulary and read as <unk>\n`,
    );
  }
  const generator = new Generator(seed);
  for (let i = 0; i < count; i++) {
    const text = sampleText(model, task, {
      prefix: flags.prefix ?? "",
      length,
      temperature,
      topK,
      greedy: flags.greedy === true,
      generator,
    });
    if (flags.json) io.stdout.write(`${JSON.stringify({ text })}\n`);
    else io.stdout.write(`${i > 0 ? "\n" : ""}${text}\n`);
  }
  return 0;
}

export interface ForecastFlags extends InspectFlags {
  readonly horizon?: string;
  readonly context?: string;
  readonly at?: string;
  readonly series?: string;
  readonly column?: string;
}

export async function forecastCommand(
  target: string,
  flags: ForecastFlags,
  io: TrainerIo,
): Promise<number> {
  const horizon = positive("horizon", flags.horizon, 14);
  const session = await openSession(target, flags, io);
  const task = session.task;
  if (task.kind !== "forecast") {
    throw new TrainerError(
      "USAGE",
      task.kind === "language-model"
        ? `forecast: this run is a language model; use \`recurrent generate ${target}\``
        : `forecast: this run learns ${task.dataset.name}, a long-range task, not a series; use \`recurrent eval ${target}\``,
    );
  }
  let values: Float64Array = task.values;
  let labels = task.index;
  let source = `${task.dataset.name} (${task.column})`;
  if (flags.series !== undefined) {
    const csv = await readCsvColumn(resolve(io.cwd, flags.series), {
      column:
        flags.column === undefined
          ? 0
          : /^\d+$/.test(flags.column)
            ? Number(flags.column)
            : flags.column,
    });
    values = csv.values;
    labels = undefined;
    source = `${flags.series} (${csv.name})`;
  }
  const at = flags.at === undefined ? values.length : Number(flags.at);
  if (!Number.isInteger(at) || at < 1 || at > values.length) {
    throw new TrainerError(
      "USAGE",
      `--at: expected a position in 1..${values.length} (the forecast starts after the value before it), got ${JSON.stringify(flags.at)}`,
    );
  }
  const context = Math.min(at, positive("context", flags.context, 4 * session.config.train.bptt));
  const past = task.toScaled(values.subarray(at - context, at));
  const steps = rollOut(session.model, [past], horizon);
  const forecast = task.toOriginal(steps.map((s) => s[0] as number));
  const rows = Array.from(forecast, (value, k) => {
    const position = at + k;
    const actual = position < values.length ? values[position] : undefined;
    return {
      step: k + 1,
      position,
      label: labels?.[position] ?? null,
      forecast: value,
      actual: actual ?? null,
    };
  });
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ source, from: at, context, rows })}\n`);
    return 0;
  }
  io.stdout.write(
    `forecast of ${source}: ${horizon} steps after position ${at} (warmed up on the ${context} values before it; scaler inverted)\n`,
  );
  const width = Math.max(...rows.map((r) => (r.label ?? `t+${r.step}`).length), 4);
  io.stdout.write(
    `${"when".padEnd(width)}  ${"forecast".padStart(12)}  ${"actual".padStart(12)}\n`,
  );
  let absolute = 0;
  let known = 0;
  for (const row of rows) {
    const when = row.label ?? `t+${row.step}`;
    const actual = row.actual === null ? "" : row.actual.toFixed(3);
    if (row.actual !== null) {
      absolute += Math.abs(row.forecast - row.actual);
      known++;
    }
    io.stdout.write(
      `${when.padEnd(width)}  ${row.forecast.toFixed(3).padStart(12)}  ${actual.padStart(12)}\n`,
    );
  }
  if (known > 0)
    io.stdout.write(`mae over the ${known} known values: ${(absolute / known).toFixed(4)}\n`);
  return 0;
}
