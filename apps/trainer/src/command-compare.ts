/**
 * `recurrent compare`: the note's ladder of models on one task under one
 * budget. Each cell trains from the same config (same data, optimizer,
 * steps or minutes, seed), in its own run directory under the comparison's,
 * and the table gives what a reader of the note wants side by side: the
 * validation metric, wall time, tokens per second and parameters. On token
 * tasks a cell that can be fitted exactly (the Markov model, by counting
 * bigrams: its `exactFit` capability) gets a fitted row too, the floor every
 * learned model should beat.
 */
import { join, relative } from "node:path";
import { builtInCells, takesSharedHidden } from "@recurrent/cells";
import type { Json, Registry } from "@recurrent/registry";
import { capabilitiesOf } from "./cell-capabilities.js";
import { resolveConfig, runName, type TrainerConfig } from "./config.js";
import { readConfigFile } from "./config-edit.js";
import { TrainerError } from "./errors.js";
import { evaluate, formatMetrics, type Metrics } from "./evaluate.js";
import type { TrainerIo } from "./io.js";
import { longRangeColumns } from "./long-range-eval.js";
import { buildModel, parameterCount } from "./model.js";
import { createReporter, formatDuration, formatRate } from "./progress.js";
import { displayPath, files, RunDir, timestamp } from "./run-dir.js";
import { lockRun } from "./run-lock.js";
import { writeRunReport } from "./run-report.js";
import { Session } from "./session.js";
import { applyFlags, type ConfigFlags, registryWith } from "./setup.js";
import { exitCodeOf, type StopSignal } from "./signals.js";
import { loadDataset, type Task } from "./task.js";
import { trainLoop } from "./train-loop.js";

/** The note's ladder, in its order: the built-in cells as @recurrent/cells lists them. */
export const ladder: readonly string[] = builtInCells.map((cell) => cell.name);

export interface CompareFlags extends ConfigFlags {
  readonly plugin?: readonly string[];
  readonly cells?: string;
  readonly out?: string;
  /** Which split the table reports: validation (default) or test. */
  readonly split?: string;
}

export interface CompareRow {
  readonly model: string;
  readonly parameters: number;
  readonly metrics: Metrics;
  readonly wallSeconds: number;
  readonly tokensPerSecond: number;
  readonly steps: number;
  readonly runDir: string | null;
}

/** The cells to compare: --cells, or the ladder plus every cell the loaded plugins add. */
function cellsToCompare(flags: CompareFlags, registry: Registry, pluginCells: string[]): string[] {
  if (flags.cells !== undefined) {
    const named = flags.cells
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    if (named.length === 0)
      throw new TrainerError("USAGE", "--cells: expected names, e.g. --cells rnn,lstm,gru");
    for (const name of named) registry.get("cell", name); // unknown names fail here, with suggestions
    return named;
  }
  return [...ladder, ...pluginCells.filter((c) => !ladder.includes(c))];
}

/** The config of one contestant: the base with this cell; hidden carried over where the cell has one. */
function configFor(base: Json, cell: string, registry: Registry): TrainerConfig {
  const raw = structuredClone(base);
  const model = (raw.model ?? {}) as Json;
  const previous = (model.cell ?? {}) as Json;
  const carried =
    takesSharedHidden(capabilitiesOf(registry, cell)) && previous.hidden !== undefined
      ? { hidden: previous.hidden }
      : {};
  raw.model = { ...model, cell: { name: cell, ...carried }, input: "auto" };
  return resolveConfig(raw, registry);
}

function metricColumns(kind: Task["kind"], unit: string): [string, string][] {
  if (kind === "long-range") return longRangeColumns(unit);
  return kind === "language-model"
    ? [
        ["loss", `nats/${unit}`],
        ["bits", `bits/${unit}`],
        ["perplexity", "perplexity"],
      ]
    : [
        ["mse", "mse"],
        ["mae", "mae"],
      ];
}

/** Forecasting: the naive and seasonal-naive baselines, as rows beside the models. */
function baselineRows(rows: readonly CompareRow[], config: TrainerConfig): CompareRow[] {
  const metrics = rows.find((r) => r.metrics.naive_mae !== undefined)?.metrics;
  if (metrics === undefined) return [];
  const row = (model: string, mae: number | undefined): CompareRow[] =>
    mae === undefined
      ? []
      : [
          {
            model,
            parameters: 0,
            metrics: { mae },
            wallSeconds: 0,
            tokensPerSecond: 0,
            steps: 0,
            runDir: null,
          },
        ];
  return [
    ...row("naive (x_{t−1})", metrics.naive_mae),
    ...row(`seasonal naive (x_{t−${config.eval.seasonalPeriod}})`, metrics.seasonal_naive_mae),
  ];
}

export function formatTable(rows: readonly CompareRow[], columns: [string, string][]): string {
  const header = [
    "model",
    "params",
    ...columns.map(([, label]) => label),
    "wall",
    "tok/s",
    "steps",
  ];
  const body = rows.map((row) => [
    row.model,
    row.parameters.toLocaleString("en-US"),
    ...columns.map(([key]) => {
      const v = row.metrics[key];
      return v === undefined ? "–" : Number.isFinite(v) ? v.toFixed(4) : String(v);
    }),
    formatDuration(row.wallSeconds),
    row.tokensPerSecond > 0 ? formatRate(row.tokensPerSecond) : "–",
    String(row.steps),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((r) => (r[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ");
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...body.map(line)].join("\n");
}

export async function compareCommand(
  configFile: string | undefined,
  flags: CompareFlags,
  io: TrainerIo,
): Promise<number> {
  const split = flags.split ?? "validation";
  if (split !== "validation" && split !== "test") {
    throw new TrainerError(
      "USAGE",
      `--split: expected "validation" or "test", got ${JSON.stringify(split)}`,
    );
  }
  const { registry, plugins } = await registryWith(flags.plugin ?? [], io.cwd);
  const { registry: plain } = await registryWith([], io.cwd);
  const pluginCells = registry
    .list("cell")
    .map((e) => e.name)
    .filter((name) => !plain.has("cell", name));
  const base = applyFlags(
    configFile === undefined
      ? { train: { steps: 150, evalEvery: 1_000_000, checkpointEvery: 1_000_000 } }
      : readConfigFile(configFile, io.cwd),
    flags,
    registry,
  );
  const baseConfig = resolveConfig(base, registry); // every problem of the shared config, once
  const cells = cellsToCompare(flags, registry, pluginCells);
  const configs = cells.map((cell) => ({ cell, config: configFor(base, cell, registry) }));
  const outPath = RunDir.resolve(
    io.cwd,
    flags.out ??
      join("runs", `${timestamp()}-compare-${runName(baseConfig).replace(/^[^-]*-/, "")}`),
  ).path;
  RunDir.checkFree(outPath);
  const out = RunDir.create(outPath);
  // One process per run directory: a second compare racing for the same --out is refused here.
  // Released at the end; on an error, when the process exits.
  const lock = lockRun(out.path, "compare");
  out.writeJson(files.config, { config: baseConfig, cells, plugins });
  const say = (text = "") => io.stdout.write(`${text}\n`);
  const budget = [
    baseConfig.train.steps === null ? null : `${baseConfig.train.steps} steps`,
    baseConfig.train.minutes === null ? null : `${baseConfig.train.minutes} min`,
  ]
    .filter(Boolean)
    .join(" or ");
  say(
    `comparing ${cells.join(", ")} on ${baseConfig.data.dataset.name}, ${budget} each (seed ${baseConfig.train.seed})`,
  );
  say(`run     ${displayPath(io.cwd, out.path)}\n`);

  const dataset = await loadDataset(baseConfig, registry, io.cwd);
  const rows: CompareRow[] = [];
  let stoppedBy: StopSignal | null = null;
  let columns: [string, string][] = [];
  for (const { cell, config } of configs) {
    const session = await Session.create(config, registry, { cwd: io.cwd, plugins, dataset });
    const task = session.task;
    columns = metricColumns(
      task.kind,
      task.kind === "language-model" ? task.unit : task.kind === "long-range" ? task.inputs : "",
    );
    const exactFit = capabilitiesOf(registry, cell).exactFit;
    if (exactFit !== null && task.kind === "language-model") {
      const started = io.now();
      const counted = buildModel(config, registry, task);
      const corpus = task.ids !== null ? [task.ids.train] : (task.sequences?.train ?? []);
      exactFit.fit(counted, corpus, task.vocab);
      const metrics = evaluate(counted, task, config, split);
      say(`${cell} (counted): ${exactFit.description} · ${split} ${formatMetrics(task, metrics)}`);
      rows.push({
        model: `${cell} (counted)`,
        parameters: parameterCount(counted),
        metrics,
        wallSeconds: (io.now() - started) / 1000,
        tokensPerSecond: 0,
        steps: 0,
        runDir: null,
      });
    }
    const dir = RunDir.create(join(out.path, cell.replace(/[^A-Za-z0-9._-]+/g, "_")));
    dir.writeJson(files.config, { config, plugins });
    const reporter = createReporter(io, { quiet: true });
    const result = await trainLoop(session, dir, io, {
      reporter,
      samples: false,
      summaries: false,
    });
    writeRunReport(dir, config, `${cell} — compare`, [["model", cell]]);
    const seconds = result.wallMs / 1000;
    const metrics = split === "test" ? session.evaluate("test") : result.metrics;
    say(
      `${cell}: ${parameterCount(session.model).toLocaleString("en-US")} parameters · ${result.steps} steps in ${formatDuration(seconds)} · ${split} ${formatMetrics(task, metrics)}`,
    );
    rows.push({
      model: cell,
      parameters: parameterCount(session.model),
      metrics,
      wallSeconds: seconds,
      tokensPerSecond: result.tokens / Math.max(seconds, 1e-9),
      steps: result.steps,
      runDir: relative(out.path, dir.path),
    });
    if (result.interrupted) {
      say("interrupted: the table holds the models trained so far");
      stoppedBy = result.signal ?? "SIGINT";
      break;
    }
  }
  const baselines = baselineRows(rows, baseConfig);
  out.writeJson("results.json", { cells, split, rows: [...rows, ...baselines] });
  say(`\n${split} after ${budget} each (${baseConfig.data.dataset.name}):\n`);
  say(formatTable([...rows, ...baselines], columns));
  say(
    `\nresults: ${displayPath(io.cwd, out.file("results.json"))} · each model's run (report, checkpoint) in ${displayPath(io.cwd, out.path)}/<cell>/`,
  );
  lock.release();
  // Interrupted: the same exit code as train (130 for Ctrl-C), after the partial table.
  return stoppedBy === null ? 0 : exitCodeOf(stoppedBy);
}
