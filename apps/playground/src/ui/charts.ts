/**
 * The page's charts, drawn with uPlot: training and validation curves (one
 * or two runs), the gradient-flow heatmap ‖∂L/∂h_t‖ (time step across,
 * evaluations down, colour on a log scale: the note's vanishing gradients as
 * training goes), and a forecast beside the truth.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { GradFlowView } from "../protocol.js";

const colors = { a: "#1f6feb", aVal: "#0b3d91", b: "#d9480f", bVal: "#862e09" };

function width(container: HTMLElement): number {
  return Math.max(320, Math.min(container.clientWidth || 640, 900));
}

/** Training and validation loss against the step, for runs "a" and "b". */
export class CurvesChart {
  private readonly rows = new Map<
    number,
    [number | null, number | null, number | null, number | null]
  >();
  private readonly plot: uPlot;
  private dirty = false;

  constructor(container: HTMLElement) {
    const line = (label: string, stroke: string, dash?: number[]) => ({
      label,
      stroke,
      width: 1.5,
      spanGaps: true,
      ...(dash === undefined ? {} : { dash }),
      points: { show: false },
    });
    this.plot = new uPlot(
      {
        width: width(container),
        height: 260,
        title: "loss against the training step (nats per token; scaled MSE for a series)",
        scales: { x: { time: false } },
        axes: [{ label: "step" }, { label: "loss" }],
        series: [
          { label: "step" },
          line("A train", colors.a),
          {
            ...line("A validation", colors.aVal, [6, 4]),
            width: 2.5,
            points: { show: true, size: 6 },
          },
          line("B train", colors.b),
          {
            ...line("B validation", colors.bVal, [6, 4]),
            width: 2.5,
            points: { show: true, size: 6 },
          },
        ],
      },
      [[], [], [], [], []],
      container,
    );
    const redraw = () => {
      if (this.dirty) {
        this.dirty = false;
        const steps = [...this.rows.keys()].sort((x, y) => x - y);
        const column = (i: number) =>
          steps.map((s) => (this.rows.get(s) as (number | null)[])[i] ?? null);
        this.plot.setData([steps, column(0), column(1), column(2), column(3)]);
      }
      requestAnimationFrame(redraw);
    };
    requestAnimationFrame(redraw);
  }

  private set(step: number, index: number, value: number): void {
    const row = this.rows.get(step) ?? [null, null, null, null];
    row[index] = value;
    this.rows.set(step, row);
    this.dirty = true;
  }

  addTrain(run: "a" | "b", step: number, loss: number): void {
    this.set(step, run === "a" ? 0 : 2, loss);
  }

  addValidation(run: "a" | "b", step: number, loss: number): void {
    this.set(step, run === "a" ? 1 : 3, loss);
  }

  clear(run: "a" | "b"): void {
    const [train, validation] = run === "a" ? [0, 1] : [2, 3];
    for (const [step, row] of this.rows) {
      row[train] = null;
      row[validation] = null;
      if (row.every((v) => v === null)) this.rows.delete(step);
    }
    this.dirty = true;
  }
}

/** Colour of a position in [0, 1]: dark blue (vanished) → yellow (large). */
function heat(level: number): string {
  const stops = [
    [13, 8, 135],
    [126, 3, 168],
    [204, 71, 120],
    [248, 149, 64],
    [240, 249, 33],
  ];
  const x = Math.max(0, Math.min(1, level)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i] as number[];
  const b = stops[i + 1] as number[];
  const mix = (k: number) =>
    Math.round((a[k] as number) + f * ((b[k] as number) - (a[k] as number)));
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

/** ‖∂L/∂h_t‖ of the first layer: one row per evaluation, t across, log colour scale. */
export class GradFlowChart {
  private readonly evaluations: { step: number; norms: readonly number[] }[] = [];
  private readonly plot: uPlot;
  private caption: HTMLElement;
  private bounds: [number, number] = [0, 0];
  private length = 0;

  constructor(container: HTMLElement) {
    this.caption = document.createElement("p");
    this.caption.className = "caption";
    this.caption.textContent = "‖∂L/∂h_t‖ appears at the first evaluation.";
    const draw = (u: uPlot) => {
      const ctx = u.ctx;
      const [low, high] = this.bounds;
      const rows = this.evaluations;
      if (rows.length === 0) return;
      ctx.save();
      rows.forEach((row, r) => {
        const y0 = u.valToPos(r - 0.5, "y", true);
        const y1 = u.valToPos(r + 0.5, "y", true);
        row.norms.forEach((norm, t) => {
          const x0 = u.valToPos(t - 0.5, "x", true);
          const x1 = u.valToPos(t + 0.5, "x", true);
          const level = norm > 0 && high > low ? (Math.log10(norm) - low) / (high - low) : 0;
          ctx.fillStyle = Number.isFinite(norm) ? heat(level) : "#ff0000";
          ctx.fillRect(x0, y1, x1 - x0 + 0.5, y0 - y1 + 0.5);
        });
      });
      ctx.restore();
    };
    this.plot = new uPlot(
      {
        width: width(container),
        height: 220,
        title: "gradient flow ‖∂L/∂h_t‖, layer 0 (rows: evaluations; colour: log scale)",
        scales: {
          x: { time: false, range: () => [-0.5, Math.max(1, this.length) - 0.5] },
          y: { range: () => [-0.5, Math.max(1, this.evaluations.length) - 0.5] },
        },
        axes: [
          { label: "time step t" },
          {
            label: "evaluation at step",
            values: (_u, ticks) =>
              ticks.map((v) =>
                Number.isInteger(v) ? String(this.evaluations[v]?.step ?? "") : "",
              ),
          },
        ],
        legend: { show: false },
        cursor: { show: false },
        series: [{}, { show: false }],
        hooks: { draw: [draw] },
      },
      [[0], [0]],
      container,
    );
    container.append(this.caption);
  }

  add(step: number, view: GradFlowView): void {
    const norms = view.norms[0];
    if (norms === undefined) return;
    this.evaluations.push({ step, norms });
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const row of this.evaluations) {
      for (const v of row.norms) {
        if (v > 0 && Number.isFinite(v)) {
          low = Math.min(low, Math.log10(v));
          high = Math.max(high, Math.log10(v));
        }
      }
    }
    this.bounds = Number.isFinite(low) ? [low, high] : [0, 0];
    const length = norms.length;
    this.length = length;
    // The cells are drawn by the hook; the data only spans the axes.
    const xs = Array.from({ length }, (_, t) => t);
    this.plot.setData([xs, xs.map(() => this.evaluations.length - 1)]);
    const first = norms[0] ?? 0;
    const last = norms[length - 1] ?? 0;
    this.caption.textContent = `step ${step}: ‖∂L/∂${view.part}_t‖ from ${first.toExponential(1)} at t = 0 to ${last.toExponential(1)} at t = ${length - 1} (L: the loss ${view.lossAt === "last step" ? "at the last step" : "over all steps"}); colours span 10^${this.bounds[0].toFixed(1)} … 10^${this.bounds[1].toFixed(1)}`;
  }

  clear(): void {
    this.evaluations.length = 0;
    this.length = 0;
    this.plot.setData([[0], [0]]);
    this.caption.textContent = "‖∂L/∂h_t‖ appears at the first evaluation.";
  }
}

/** A forecast beside the truth, after the context it warmed up on. */
export function drawForecast(
  container: HTMLElement,
  context: readonly number[],
  truth: readonly number[],
  forecast: readonly number[],
): void {
  container.replaceChildren();
  const n = context.length + truth.length;
  const xs = Array.from({ length: n }, (_, i) => i - context.length);
  const pad = (values: readonly number[], before: number) => [
    ...Array.from({ length: before }, () => null),
    ...values,
  ];
  new uPlot(
    {
      width: width(container),
      height: 240,
      title: "forecast of the validation split (fed its own predictions) against the truth",
      scales: { x: { time: false } },
      axes: [{ label: "steps after the training split" }, { label: "value" }],
      series: [
        {},
        { label: "context (true)", stroke: "#868e96" },
        { label: "truth", stroke: "#2b8a3e", width: 1.5 },
        { label: "forecast", stroke: "#d9480f", width: 2 },
      ],
    },
    [
      xs,
      [...context, ...Array.from({ length: truth.length }, () => null)],
      pad(truth, context.length),
      pad(forecast, context.length),
    ],
    container,
  );
}
