/**
 * The run report: one self-contained HTML file (the charting library is
 * inlined, so it opens offline, from anywhere) with the training and
 * validation curves and the gradient-flow heatmap ‖∂L/∂h_t‖ over time steps
 * and layers. Charts are drawn by Apache ECharts.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface MetricPoint {
  readonly step: number;
  readonly [name: string]: number | string | undefined;
}

export interface GradFlowData {
  /** Row labels, e.g. "layer 0". */
  readonly rows: readonly string[];
  /** norms[row][t] = ‖∂L/∂h_t‖ for that layer (and direction). */
  readonly norms: readonly (readonly number[])[];
  readonly title?: string;
}

export interface ReportInput {
  readonly title: string;
  /** Lines of the config and results shown above the charts. */
  readonly summary: readonly [string, string][];
  readonly train: readonly MetricPoint[];
  readonly validation: readonly MetricPoint[];
  /** Which metric to plot (e.g. "loss"). */
  readonly metric: string;
  readonly gradFlow?: readonly GradFlowData[];
  readonly samples?: readonly { readonly step: number; readonly text: string }[];
}

let echartsSource: string | undefined;

function echarts(): string {
  if (echartsSource === undefined) {
    const require = createRequire(import.meta.url);
    echartsSource = readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8");
  }
  return echartsSource;
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string,
  );

/** JSON safe to embed in a <script>: no "</script>" can close the tag early. */
const embed = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

export function renderReport(input: ReportInput): string {
  const curves = {
    train: input.train
      .map((p) => [p.step, p[input.metric]])
      .filter(([, v]) => typeof v === "number"),
    validation: input.validation
      .map((p) => [p.step, p[input.metric]])
      .filter(([, v]) => typeof v === "number"),
  };
  const flows = (input.gradFlow ?? []).map((flow) => ({
    title: flow.title ?? "gradient flow",
    rows: flow.rows,
    cells: flow.norms.flatMap((row, r) => row.map((v, t) => [t, r, v > 0 ? Math.log10(v) : null])),
    steps: Math.max(0, ...flow.norms.map((row) => row.length)),
  }));
  const summary = input.summary
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join("");
  const samples = (input.samples ?? [])
    .map((s) => `<h3>step ${s.step}</h3><pre>${escapeHtml(s.text)}</pre>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
table{border-collapse:collapse}th{text-align:left;padding:2px 12px 2px 0;color:#555}td{font-family:monospace}
.chart{width:100%;height:360px;margin:1rem 0}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<table>${summary}</table>
<h2>${escapeHtml(input.metric)}</h2><div id="curves" class="chart"></div>
${flows.map((f, i) => `<h2>${escapeHtml(f.title)} (log₁₀ ‖∂L/∂h_t‖)</h2><div id="flow${i}" class="chart"></div>`).join("\n")}
${samples === "" ? "" : `<h2>samples</h2>${samples}`}
<script>${echarts()}</script>
<script>
const curves = ${embed(curves)};
const flows = ${embed(flows)};
const metric = ${embed(input.metric)};
echarts.init(document.getElementById("curves")).setOption({
  tooltip: { trigger: "axis" }, legend: { data: ["train", "validation"] },
  xAxis: { type: "value", name: "step" }, yAxis: { type: "value", name: metric, scale: true },
  series: [
    { name: "train", type: "line", showSymbol: false, data: curves.train },
    { name: "validation", type: "line", data: curves.validation },
  ],
});
flows.forEach((f, i) => {
  const values = f.cells.map((c) => c[2]).filter((v) => v !== null);
  echarts.init(document.getElementById("flow" + i)).setOption({
    tooltip: { formatter: (p) => "t=" + p.value[0] + ", " + f.rows[p.value[1]] + ": 10^" + (p.value[2] ?? NaN).toFixed(2) },
    xAxis: { type: "category", name: "time step t", data: Array.from({ length: f.steps }, (_, t) => t) },
    yAxis: { type: "category", data: f.rows },
    visualMap: { min: Math.min(...values), max: Math.max(...values), calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ type: "heatmap", data: f.cells }],
  });
});
</script></body></html>
`;
}
