/**
 * report.html for a run directory, rebuilt from what is on disk
 * (metrics.jsonl, gradflow.json and the summary the command passes), so a
 * resumed run's report covers every part of it.
 */
import type { TrainerConfig } from "./config.js";
import { writeFileAtomic } from "./files.js";
import type { GradFlowResult } from "./gradient-flow.js";
import { type MetricPoint, renderReport } from "./report.js";
import { files, type RunDir } from "./run-dir.js";

interface Record_ {
  readonly type?: string;
  readonly step: number;
  readonly text?: string;
  readonly [key: string]: unknown;
}

/** A metrics record as a chart point: its numbers and strings (a record holds nothing else). */
function metricPoint(record: Record_): MetricPoint {
  const point: Record<string, number | string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === "number" || typeof value === "string") point[key] = value;
  }
  return { ...point, step: record.step };
}

/** At most `max` points, evenly thinned (the last one kept): a long run's curve stays light. */
function thin<T>(points: readonly T[], max = 2000): T[] {
  if (points.length <= max) return [...points];
  const out: T[] = [];
  const stride = points.length / max;
  for (let i = 0; i < max; i++) out.push(points[Math.floor(i * stride)] as T);
  out.push(points[points.length - 1] as T);
  return out;
}

export function writeRunReport(
  dir: RunDir,
  config: TrainerConfig,
  title: string,
  summary: readonly [string, string][],
): string {
  const records = dir.metrics<Record_>();
  const train = thin(records.filter((r) => r.type === "train")).map(metricPoint);
  const validation = records.filter((r) => r.type === "eval").map(metricPoint);
  const samples = records
    .filter((r) => r.type === "sample" && typeof r.text === "string")
    .slice(-6)
    .map((r) => ({ step: r.step, text: r.text as string }));
  const flow = dir.readJson<GradFlowResult>(files.gradflow);
  const html = renderReport({
    title,
    summary: [...summary, ["config", JSON.stringify(config)]],
    train,
    validation,
    metric: "loss",
    ...(flow === undefined
      ? {}
      : {
          gradFlow: [
            {
              ...flow,
              title: `gradient flow at the end of training: ‖∂L/∂${flow.part}_t‖, L = loss at the ${flow.lossAt}`,
            },
          ],
        }),
    samples,
  });
  const path = dir.file(files.report);
  writeFileAtomic(path, html);
  return path;
}
