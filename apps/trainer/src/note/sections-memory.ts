/**
 * The note's conclusion: "이런 문제들 때문에 등장한 모델이 LSTM, GRU" (LSTM
 * and GRU came to fix this). The copy task and the adding problem at
 * growing delays, every cell under one budget per delay (7), and the two
 * GRU formulations on the same tasks (8). Section 8 reuses section 7's
 * reset-after GRU runs (the default gru is PyTorch's reset-after form).
 */

import type { Json } from "@recurrent/registry";
import {
  type Check,
  edited,
  fmt,
  type NoteContext,
  noteConfig,
  pct,
  release,
  type Section,
  trainVariant,
} from "./section.js";
import { barChart } from "./svg-chart.js";

export interface MemoryResult {
  readonly task: "copy" | "adding";
  readonly cell: string;
  readonly delay: number;
  /** copy: accuracy on the recalled symbol; adding: mse. */
  readonly value: number;
  readonly loss: number;
  readonly steps: number;
  readonly seconds: number;
}

/** Delays and the step budget at each (longer examples get fewer steps, the same for every cell). */
export function memoryBudget(quick: boolean): {
  delays: number[];
  steps: number[];
  cpuSeconds: number | null;
} {
  return quick
    ? { delays: [5, 20], steps: [150, 200], cpuSeconds: null }
    : { delays: [10, 50, 100, 200], steps: [300, 200, 100, 50], cpuSeconds: 8 };
}

/** Hidden 64 for every cell; the LSTM with the forget-gate bias of 1 that Jozefowicz et al. (2015) recommend. */
const cellConfig = (cell: string): Json =>
  cell === "gru-reset-before"
    ? { name: "gru", hidden: 64, resetAfter: false }
    : cell === "lstm"
      ? { name: "lstm", hidden: 64, forgetBias: 1 }
      : { name: cell, hidden: 64 };

/** The results section 8 reuses, filled by section 7. */
const shared: MemoryResult[] = [];

/** Section 7's results measured earlier (note --reuse), for section 8. */
export function restoreMemoryResults(numbers: Record<string, unknown>): void {
  const results = (numbers.results ?? []) as MemoryResult[];
  shared.splice(0, shared.length, ...results);
}

async function runMemory(context: NoteContext, cells: readonly string[]): Promise<MemoryResult[]> {
  const { delays, steps, cpuSeconds } = memoryBudget(context.quick);
  const out: MemoryResult[] = [];
  for (const task of ["copy", "adding"] as const) {
    const base = noteConfig(task === "copy" ? "7-copy.json" : "7-adding.json");
    for (const [i, delay] of delays.entries()) {
      for (const cell of cells) {
        const raw = edited(base, {
          [task === "copy" ? "data.dataset.delay" : "data.dataset.length"]: delay,
          "model.cell": cellConfig(cell),
          "train.steps": steps[i],
        });
        const run = await trainVariant(
          context,
          `${task} ${delay}: ${cell}`,
          raw,
          cpuSeconds === null ? {} : { cpuSeconds },
        );
        out.push({
          task,
          cell,
          delay,
          value: (task === "copy" ? run.metrics.accuracy : run.metrics.mse) as number,
          loss: run.metrics.loss as number,
          steps: run.steps,
          seconds: run.wallSeconds,
        });
        release(run);
      }
    }
  }
  return out;
}

function charts(
  results: readonly MemoryResult[],
  cells: readonly string[],
  delays: readonly number[],
) {
  const value = (task: string, cell: string, delay: number) =>
    results.find((r) => r.task === task && r.cell === cell && r.delay === delay)?.value ?? null;
  return [
    barChart({
      title: "copy task: accuracy on the recalled symbol, by delay",
      categories: delays.map((d) => `delay ${d}`),
      series: cells.map((cell) => ({
        name: cell,
        values: delays.map((d) => value("copy", cell, d)),
      })),
      yLabel: "accuracy",
      references: [{ label: "chance 1/8", value: 1 / 8 }],
      digits: 2,
    }),
    barChart({
      title: "adding problem: mse of the sum, by sequence length",
      categories: delays.map((d) => `length ${d}`),
      series: cells.map((cell) => ({
        name: cell,
        values: delays.map((d) => value("adding", cell, d)),
      })),
      yLabel: "mse",
      references: [{ label: "baseline 1/6 = 0.167", value: 1 / 6 }],
      digits: 2,
    }),
  ];
}

function tables(
  results: readonly MemoryResult[],
  cells: readonly string[],
  delays: readonly number[],
) {
  const cellOf = (task: string, cell: string, delay: number) => {
    const r = results.find((x) => x.task === task && x.cell === cell && x.delay === delay);
    if (r === undefined) return "–";
    return `${task === "copy" ? pct(r.value) : fmt(r.value, 3)} (${r.steps} st)`;
  };
  return (["copy", "adding"] as const).map((task) => ({
    header: [task === "copy" ? "copy: recall accuracy" : "adding: mse", ...delays.map(String)],
    rows: cells.map((cell) => [cell, ...delays.map((d) => cellOf(task, cell, d))]),
  }));
}

export const memorySection: Section = {
  id: "memory",
  title: "7. LSTM and GRU fix the long-term dependency problem",
  async run(context) {
    const cells = ["rnn", "lstm", "gru", ...context.pluginCells];
    const { delays, steps, cpuSeconds } = memoryBudget(context.quick);
    const results = await runMemory(context, cells);
    shared.splice(0, shared.length, ...results);
    const at = (task: string, cell: string, delay: number) =>
      results.find((r) => r.task === task && r.cell === cell && r.delay === delay)?.value ??
      Number.NaN;
    const lossAt = (cell: string, delay: number) =>
      results.find((r) => r.task === "copy" && r.cell === cell && r.delay === delay)?.loss ??
      Number.NaN;
    const longest = delays[delays.length - 1] as number;
    // The longest delay where a gated cell clearly remembers (accuracy ≥ 50%): where the claim is tested.
    const solved = delays.filter(
      (d) => Math.max(at("copy", "lstm", d), at("copy", "gru", d)) >= 0.5,
    );
    const where = solved.length > 0 ? (solved[solved.length - 1] as number) : longest;
    const checks: Check[] = [
      ...["lstm", "gru"].map((cell) => ({
        claim: `on the copy task at delay ${where}, the ${cell.toUpperCase()} beats the plain RNN (validation cross-entropy)`,
        passed: lossAt(cell, where) < lossAt("rnn", where),
        detail: `${cell} ${fmt(lossAt(cell, where))} vs rnn ${fmt(lossAt("rnn", where))} nats/step; recall ${pct(at("copy", cell, where))} vs ${pct(at("copy", "rnn", where))}`,
      })),
      {
        claim: `the plain RNN stays near chance (≤ 25%) on the copy task at delay ${longest}`,
        passed: at("copy", "rnn", longest) <= 0.25,
        detail: `rnn ${pct(at("copy", "rnn", longest))} (chance 12.5%)`,
      },
      {
        claim: `the plain RNN does no better than the 0.167 baseline on the adding problem at length ${longest}`,
        passed: at("adding", "rnn", longest) >= (1 / 6) * 0.9,
        detail: `rnn mse ${fmt(at("adding", "rnn", longest), 3)}`,
      },
    ];
    const stepsText = delays.map((d, i) => `${steps[i]} at ${d}`).join(", ");
    return {
      claim:
        "A plain RNN cannot carry information across a long delay, because its gradient vanishes on the way back; the LSTM and the GRU, whose gated, additive state updates let the gradient pass, can (Hochreiter & Schmidhuber 1997; Arjovsky et al. 2016).",
      quote:
        "과거의 정보가 사라질 확률이 높음 = long term dependency를 잡는게 되게 어렵다 … 이런 문제들 때문에 등장한 모델이 LSTM, GRU",
      experiment: `Copy task: see one of 8 symbols, wait through a delay of ${delays.join(", ")} blank steps, then write the symbol back (cross-entropy at every step; the metric is the accuracy on the recalled symbol, chance 1/8). Adding problem: ${delays.join(", ")} steps of (value, marker), the answer is the sum of the two marked values (baseline mse 1/6). Cells ${cells.join(", ")}, hidden 64 (the LSTM's forget-gate bias initialised to 1, as Jozefowicz et al. 2015 recommend), Adam 0.01, clipping at 1, batches of 32 examples; one budget per delay for every cell: ${stepsText} steps${cpuSeconds === null ? "" : `, or ${cpuSeconds} s of CPU time, whichever ends first (the table gives the steps each run made)`}.`,
      configs: ["7-copy.json", "7-adding.json"],
      charts: charts(results, cells, delays),
      tables: tables(results, cells, delays),
      checks,
      numbers: { delays, steps, cpuSeconds, cells, results },
    };
  },
};

export const gruSection: Section = {
  id: "gru-variants",
  title: "8. GRU: reset after or before the recurrent product",
  async run(context) {
    const { delays } = memoryBudget(context.quick);
    const before = await runMemory(context, ["gru-reset-before"]);
    const after = shared.filter((r) => r.cell === "gru");
    const results = [...after, ...before];
    const cells = ["gru", "gru-reset-before"];
    const first = delays[0] as number;
    const at = (cell: string) =>
      results.find((r) => r.task === "copy" && r.cell === cell && r.delay === first)?.value ??
      Number.NaN;
    const checks: Check[] = [
      {
        claim: `both forms learn the copy task at delay ${first} (accuracy above 50%)`,
        passed: at("gru") > 0.5 && at("gru-reset-before") > 0.5,
        detail: `reset-after ${pct(at("gru"))}, reset-before ${pct(at("gru-reset-before"))}`,
      },
    ];
    return {
      claim:
        "The GRU exists in two forms, the reset gate applied after the recurrent product (PyTorch, cuDNN: n = tanh(W_in x + r ⊙ (W_hn h + b_hn))) or before it (Cho et al. 2014, Keras reset_after=False: n = tanh(W_in x + W_hn (r ⊙ h))); both are gated and both carry memory.",
      quote: "이런 문제들 때문에 등장한 모델이 LSTM, GRU",
      experiment: `The gru cell with resetAfter true (section 7's runs) and false, on the same copy and adding tasks, the same budgets.`,
      configs: [
        "7-copy.json (model.cell.resetAfter false)",
        "7-adding.json (model.cell.resetAfter false)",
      ],
      charts: charts(results, cells, delays),
      tables: tables(results, cells, delays),
      checks,
      numbers: { delays, results },
    };
  },
};
