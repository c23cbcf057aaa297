/**
 * Charts for the note's page as inline SVG strings: no script, no external
 * fetch, so the page prints, screenshots and opens offline the same way.
 * Two kinds cover every section: grouped bars (one group per category, one
 * bar per series, an optional dashed reference line such as a baseline) and
 * lines over a numeric x (optionally log-scaled y, for gradient norms).
 */

export interface BarChart {
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly {
    readonly name: string;
    readonly values: readonly (number | null)[];
  }[];
  readonly yLabel: string;
  /** Dashed horizontal lines, e.g. the memoryless baseline. */
  readonly references?: readonly { readonly label: string; readonly value: number }[];
  /** Digits of the value printed above each bar. */
  readonly digits?: number;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly {
    readonly name: string;
    readonly points: readonly [number, number][];
  }[];
  readonly logY?: boolean;
  readonly logX?: boolean;
}

const palette = [
  "#4269d0",
  "#efb118",
  "#ff725c",
  "#6cc5b0",
  "#3ca951",
  "#ff8ab7",
  "#a463f2",
  "#97bbf5",
];
const width = 720;
const height = 320;
const margin = { top: 36, right: 150, bottom: 56, left: 64 };

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string,
  );

/** A short label for a tick or a bar value. */
export function formatTick(v: number, digits = 3): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  if (a >= 100) return v.toFixed(0);
  return Number(v.toPrecision(digits)).toString();
}

/** About five round ticks covering [low, high]. */
function niceTicks(low: number, high: number, count = 5): number[] {
  if (!(high > low)) return [low];
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return ticks;
}

function frame(title: string, body: string, legend: readonly string[]): string {
  const items = legend
    .map(
      (name, i) =>
        `<rect x="${width - margin.right + 16}" y="${margin.top + i * 20}" width="12" height="12" fill="${palette[i % palette.length]}"/><text x="${width - margin.right + 34}" y="${margin.top + i * 20 + 10}" font-size="12">${escapeXml(name)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif"><text x="${margin.left}" y="20" font-size="14" font-weight="600">${escapeXml(title)}</text>${body}${items}</svg>`;
}

function axes(
  yTicks: readonly number[],
  y: (v: number) => number,
  yLabel: string,
  xLabel: string,
  label: (v: number) => string = (v) => formatTick(v),
): string {
  const left = margin.left;
  const right = width - margin.right;
  const grid = yTicks
    .map(
      (v) =>
        `<line x1="${left}" x2="${right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/><text x="${left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${label(v)}</text>`,
    )
    .join("");
  return `${grid}<line x1="${left}" x2="${right}" y1="${height - margin.bottom}" y2="${height - margin.bottom}" stroke="#333"/><text transform="translate(14 ${(margin.top + height - margin.bottom) / 2}) rotate(-90)" font-size="12" text-anchor="middle">${escapeXml(yLabel)}</text><text x="${(left + right) / 2}" y="${height - 8}" font-size="12" text-anchor="middle">${escapeXml(xLabel)}</text>`;
}

/** Grouped bars. Missing values (null, NaN) leave a gap marked "–". */
export function barChart(chart: BarChart): string {
  const values = chart.series
    .flatMap((s) => s.values)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const refs = chart.references ?? [];
  const top = Math.max(0, ...values, ...refs.map((r) => r.value)) * 1.12 || 1;
  const bottom = Math.min(0, ...values);
  const plotH = height - margin.top - margin.bottom;
  const y = (v: number) => margin.top + plotH * (1 - (v - bottom) / (top - bottom));
  const plotW = width - margin.left - margin.right;
  const group = plotW / Math.max(1, chart.categories.length);
  const barW = Math.min(36, (group * 0.8) / Math.max(1, chart.series.length));
  let body = axes(niceTicks(bottom, top), y, chart.yLabel, "");
  chart.categories.forEach((category, c) => {
    const x0 = margin.left + c * group + (group - barW * chart.series.length) / 2;
    chart.series.forEach((s, i) => {
      const v = s.values[c];
      const x = x0 + i * barW;
      if (v === null || v === undefined || !Number.isFinite(v)) {
        body += `<text x="${x + barW / 2}" y="${y(0) - 4}" font-size="10" text-anchor="middle">–</text>`;
        return;
      }
      const y1 = y(Math.max(v, 0));
      const h = Math.abs(y(v) - y(0));
      body += `<rect x="${x}" y="${y1}" width="${barW - 2}" height="${Math.max(h, 0.5)}" fill="${palette[i % palette.length]}"><title>${escapeXml(`${s.name} · ${category}: ${v}`)}</title></rect>`;
      body += `<text x="${x + (barW - 2) / 2}" y="${y1 - 3}" font-size="9" text-anchor="middle">${formatTick(v, chart.digits ?? 3)}</text>`;
    });
    body += `<text x="${margin.left + c * group + group / 2}" y="${height - margin.bottom + 16}" font-size="11" text-anchor="middle">${escapeXml(category)}</text>`;
  });
  // Reference lines across the plot, labelled in the right margin (below the legend's rows).
  refs.forEach((ref, k) => {
    const at = y(ref.value);
    body += `<line x1="${margin.left}" x2="${width - margin.right}" y1="${at}" y2="${at}" stroke="#c00" stroke-dasharray="5 4"/>`;
    const labelY = Math.max(
      at + 4,
      margin.top + (chart.series.length > 1 ? chart.series.length : 0) * 20 + 12 + k * 14,
    );
    body += `<text x="${width - margin.right + 6}" y="${labelY}" font-size="10" fill="#c00">${escapeXml(ref.label)}</text>`;
  });
  return frame(chart.title, body, chart.series.length > 1 ? chart.series.map((s) => s.name) : []);
}

/** Lines over a numeric x; with logY, non-positive values are left out. */
export function lineChart(chart: LineChart): string {
  const ty = (v: number) => (chart.logY ? Math.log10(v) : v);
  const tx = (v: number) => (chart.logX ? Math.log2(v) : v);
  const usable = (p: [number, number]) =>
    Number.isFinite(p[1]) && (!chart.logY || p[1] > 0) && (!chart.logX || p[0] > 0);
  const points = chart.series.flatMap((s) => s.points.filter(usable));
  const xs = points.map((p) => tx(p[0]));
  const ys = points.map((p) => ty(p[1]));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(y1 > y0)) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.06;
  y0 -= pad;
  y1 += pad;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const x = (v: number) => margin.left + (x1 > x0 ? (plotW * (tx(v) - x0)) / (x1 - x0) : plotW / 2);
  const y = (v: number) => margin.top + plotH * (1 - (ty(v) - y0) / (y1 - y0));
  const yTicks = chart.logY
    ? niceTicks(Math.ceil(y0), Math.floor(y1))
        .filter(Number.isInteger)
        .map((e) => 10 ** e)
    : niceTicks(y0, y1);
  let body = axes(yTicks, y, chart.yLabel, chart.xLabel, (v) =>
    chart.logY ? `1e${Math.round(Math.log10(v))}` : formatTick(v),
  );
  const xTickValues = chart.logX
    ? [...new Set(points.map((p) => p[0]))].sort((a, b) => a - b)
    : niceTicks(x0, x1);
  for (const v of xTickValues) {
    body += `<text x="${x(v)}" y="${height - margin.bottom + 16}" font-size="11" text-anchor="middle">${formatTick(v)}</text>`;
  }
  chart.series.forEach((s, i) => {
    const color = palette[i % palette.length];
    const usablePoints = s.points.filter(usable);
    if (usablePoints.length === 0) return;
    const path = usablePoints
      .map((p, k) => `${k === 0 ? "M" : "L"}${x(p[0]).toFixed(1)} ${y(p[1]).toFixed(1)}`)
      .join(" ");
    body += `<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`;
    if (usablePoints.length <= 16) {
      body += usablePoints
        .map(
          (p) =>
            `<circle cx="${x(p[0])}" cy="${y(p[1])}" r="3" fill="${color}"><title>${escapeXml(`${s.name}: (${p[0]}, ${p[1]})`)}</title></circle>`,
        )
        .join("");
    }
  });
  return frame(
    chart.title,
    body,
    chart.series.map((s) => s.name),
  );
}
