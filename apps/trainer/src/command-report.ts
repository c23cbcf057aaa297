/**
 * `recurrent report <run>`: rebuild report.html from what the run directory
 * holds (config.json, metrics.jsonl, gradflow.json), e.g. for a run killed
 * after its last checkpoint but before its report was written.
 */
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import type { TrainerIo } from "./io.js";
import { displayPath, files, RunDir } from "./run-dir.js";
import { writeRunReport } from "./run-report.js";

interface MetricRecord {
  readonly type?: string;
  readonly step?: number;
  readonly loss?: number;
  readonly [key: string]: unknown;
}

export async function reportCommand(target: string, io: TrainerIo): Promise<number> {
  const dir = RunDir.open(RunDir.resolve(io.cwd, target).path);
  const record = dir.readJson<{ config?: TrainerConfig }>(files.config);
  if (record?.config === undefined) {
    throw new TrainerError(
      "MISSING_FILE",
      `${target}: expected a run directory with ${files.config}, found none`,
    );
  }
  const metrics = dir.metrics<MetricRecord>();
  const steps = Math.max(0, ...metrics.map((m) => m.step ?? 0));
  const lastEval = metrics.filter((m) => m.type === "eval").at(-1);
  const checkpoints = dir.checkpointFiles();
  const summary: [string, string][] = [
    ["model", JSON.stringify(record.config.model.cell)],
    ["data", JSON.stringify(record.config.data.dataset)],
    ["optimizer", JSON.stringify(record.config.optimizer)],
    ["steps", String(steps)],
    ["newest checkpoint", checkpoints.at(-1)?.path.slice(dir.path.length + 1) ?? "none"],
    [
      "validation",
      lastEval?.loss === undefined ? "none yet" : `${lastEval.loss} at step ${lastEval.step}`,
    ],
  ];
  const name = record.config.name ?? displayPath(io.cwd, dir.path);
  const path = writeRunReport(dir, record.config, `${name} — recurrent`, summary);
  io.stdout.write(
    `report rebuilt from ${metrics.length} metric records: ${displayPath(io.cwd, path)}\n`,
  );
  return 0;
}
