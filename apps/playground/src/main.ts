/**
 * The page: builds the config from the forms (cells and optimizers listed
 * from the worker's registry, their options from each entry's schema), and
 * drives one training worker (two when comparing) through start, pause,
 * resume and reset; shows progress, curves and the gradient flow; generates,
 * forecasts, saves and loads checkpoints. Errors are shown in the page, in
 * the words of the library that raised them.
 */
import "./style.css";
import type { Json } from "@recurrent/registry";
import type { Catalog, EntryInfo, PluginSource, SessionSummary, WorkerEvent } from "./protocol.js";
import { CurvesChart, drawForecast, GradFlowChart } from "./ui/charts.js";
import { readOptions, renderOptions, writeOption } from "./ui/options-form.js";
import { TrainerClient } from "./ui/trainer-client.js";

type RunName = "a" | "b";

const $ = <T extends HTMLElement = HTMLInputElement>(id: string) =>
  document.getElementById(id) as T;

const requested = Number(new URLSearchParams(location.search).get("threads"));
const isolated = globalThis.crossOriginIsolated === true;
/** Threads to ask for: every core when the page is cross-origin isolated (capped at 4), else one. */
const threads =
  Number.isInteger(requested) && requested >= 1
    ? requested
    : isolated
      ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1))
      : 1;

const plugins: PluginSource[] = [];
let catalog: Catalog = { cells: [], optimizers: [], plugins: [] };
const curves = new CurvesChart($<HTMLDivElement>("curves"));
const gradFlow = new GradFlowChart($<HTMLDivElement>("gradflow"));
const runs: Partial<Record<RunName, TrainerClient>> = {};
const summaries: Partial<Record<RunName, SessionSummary>> = {};
const trainingNow: Record<RunName, boolean> = { a: false, b: false };

function status(message: string): void {
  $("status").textContent = message;
}

function guard<TArgs extends unknown[]>(fn: (...args: TArgs) => Promise<void>) {
  return (...args: TArgs) => {
    fn(...args).catch((error: unknown) => status((error as Error).message));
  };
}

function client(run: RunName): TrainerClient {
  const existing = runs[run];
  if (existing !== undefined) return existing;
  const created = new TrainerClient(threads, (event) => onEvent(run, event));
  runs[run] = created;
  return created;
}

// ---- events from the workers ----

const fmt = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

function onEvent(run: RunName, event: WorkerEvent): void {
  const suffix = run === "a" ? "" : "-b";
  switch (event.event) {
    case "progress": {
      for (const point of event.points) curves.addTrain(run, point.step, point.loss);
      const total = summaries[run]?.steps;
      const line = $(`progress${suffix}`);
      line.textContent = `${run === "b" ? "B: " : ""}step ${event.step}${total ? `/${total}` : ""} · loss ${fmt(event.loss)} · ${Math.round(event.tokensPerSecond).toLocaleString("en-US")} tokens/s · ${(event.elapsedMs / 1000).toFixed(1)} s`;
      line.dataset.step = String(event.step);
      line.dataset.tokensPerSecond = String(event.tokensPerSecond);
      line.dataset.elapsedMs = String(event.elapsedMs);
      break;
    }
    case "eval": {
      const loss = event.metrics.loss as number;
      curves.addValidation(run, event.step, loss);
      const line = $(`metrics${suffix}`);
      const kind = summaries[run]?.kind;
      const extra =
        kind === "forecast"
          ? `mse ${fmt(event.metrics.mse as number)} · mae ${fmt(event.metrics.mae as number)}`
          : kind === "language-model"
            ? `${fmt((event.metrics.bits as number) ?? Number.NaN, 3)} bits/token · perplexity ${fmt(event.metrics.perplexity as number, 2)}`
            : Object.entries(event.metrics)
                .filter(([key]) => key !== "loss")
                .map(([key, value]) => `${key} ${fmt(value)}`)
                .join(" · ");
      line.textContent = `${run === "b" ? "B: " : ""}validation at step ${event.step}: loss ${fmt(loss)} · ${extra}`;
      line.dataset.step = String(event.step);
      line.dataset.loss = String(loss);
      if (run === "a" && event.gradFlow !== null) gradFlow.add(event.step, event.gradFlow);
      break;
    }
    case "stopped":
      trainingNow[run] = false;
      if (run === "a") {
        $("progress").dataset.state = event.reason;
        setButtons();
      }
      break;
    case "failed":
      trainingNow[run] = false;
      if (run === "a") $("progress").dataset.state = "failed";
      status(`${run === "b" ? "B: " : ""}${event.message}`);
      setButtons();
      break;
  }
}

// ---- forms ----

function fillSelect(select: HTMLSelectElement, entries: readonly EntryInfo[], keep: string): void {
  select.replaceChildren(
    ...entries.map(
      (e) => new Option(`${e.name}${e.plugin === "built-in" ? "" : `  (${e.plugin})`}`, e.name),
    ),
  );
  if (entries.some((e) => e.name === keep)) select.value = keep;
}

function entry(entries: readonly EntryInfo[], name: string): EntryInfo {
  return entries.find((e) => e.name === name) as EntryInfo;
}

function showCell(selectId: string, formId: string, prefix: string): void {
  const name = $<HTMLSelectElement>(selectId).value;
  const info = entry(catalog.cells, name);
  if (info === undefined) return;
  renderOptions($(formId), info, prefix);
  if (selectId === "cell") $("cell-about").textContent = info.description;
  // The note's character models: 64 hidden units train in seconds here.
  const hidden = $(formId).querySelector<HTMLInputElement>('[data-option="hidden"]');
  if (hidden !== null) hidden.value = "64";
}

function showOptimizer(): void {
  const info = entry(catalog.optimizers, $<HTMLSelectElement>("optimizer").value);
  if (info === undefined) return;
  renderOptions($("optimizer-options"), info, "optimizer");
  const lr = $("optimizer-options").querySelector<HTMLInputElement>('[data-option="lr"]');
  if (lr !== null && $<HTMLSelectElement>("optimizer").value === "adam") lr.value = "0.005";
}

function applyCatalog(next: Catalog): void {
  catalog = next;
  const cell = $<HTMLSelectElement>("cell").value || "lstm";
  const compare = $<HTMLSelectElement>("compare-cell").value || "rnn";
  const optimizer = $<HTMLSelectElement>("optimizer").value || "adam";
  fillSelect($("cell"), catalog.cells, cell);
  fillSelect($("compare-cell"), catalog.cells, compare);
  fillSelect($("optimizer"), catalog.optimizers, optimizer);
  showCell("cell", "cell-options", "cell");
  showCell("compare-cell", "compare-options", "compare");
  showOptimizer();
  $("plugin-list").replaceChildren(
    ...catalog.plugins.map((spec) => {
      const item = document.createElement("li");
      item.textContent = spec;
      return item;
    }),
  );
}

// ---- the config ----

let mobyDick: string | null = null;

async function dataSection(): Promise<{ data: Json; extra: Json }> {
  switch ($<HTMLSelectElement>("dataset").value) {
    case "names":
      return {
        data: {
          dataset: { name: "first-names-en", which: "all" },
          tokenizer: { name: "char" },
          split: { train: 0.8, validation: 0.1, test: 0.1 },
        },
        extra: { model: { embeddingSize: 16 }, eval: { maxTokens: null, sampleLength: 20 } },
      };
    case "moby": {
      mobyDick ??= (await import("../data/moby-dick-excerpt.txt?raw")).default;
      return {
        data: {
          dataset: {
            name: "inline-text",
            text: mobyDick,
            label: "Moby Dick, the opening chapters",
          },
          tokenizer: { name: "char" },
        },
        extra: { eval: { maxTokens: 4096 } },
      };
    }
    case "sine":
      return {
        data: {
          dataset: { name: "noisy-sine" },
          split: { train: 0.6, validation: 0.2, test: 0.2 },
        },
        extra: { eval: { horizons: [1, 4, 16] } },
      };
    case "copy":
      return { data: { dataset: { name: "copy-task", delay: 20 } }, extra: {} };
    default: {
      const text = $<HTMLTextAreaElement>("user-text").value;
      if (text.trim() === "")
        throw new Error("your text: paste some text, or drop a text file on the box");
      return {
        data: {
          dataset: { name: "inline-text", text, label: "your text" },
          tokenizer: { name: "char" },
        },
        extra: { eval: { maxTokens: 4096 } },
      };
    }
  }
}

const number = (id: string) => Number($(id).value);

async function buildConfig(cell: Json): Promise<Json> {
  const { data, extra } = await dataSection();
  const extraModel = (extra.model as Json | undefined) ?? {};
  return {
    data,
    model: { cell, layers: number("layers"), ...extraModel },
    optimizer: readOptions($("optimizer-options"), $<HTMLSelectElement>("optimizer").value),
    train: {
      steps: number("steps"),
      batchSize: number("batch-size"),
      bptt: number("bptt"),
      evalEvery: number("eval-every"),
      clip: $("clip").value.trim() === "" ? null : number("clip"),
      seed: number("seed"),
      checkpointEvery: 1_000_000,
    },
    eval: { ...((extra.eval as Json | undefined) ?? {}) },
  };
}

function cellConfig(run: RunName): Json {
  return run === "a"
    ? readOptions($("cell-options"), $<HTMLSelectElement>("cell").value)
    : readOptions($("compare-options"), $<HTMLSelectElement>("compare-cell").value);
}

// ---- actions ----

function setButtons(): void {
  const ready = summaries.a !== undefined && summaries.a.generationOnly === null;
  const loaded = summaries.a !== undefined;
  const running = trainingNow.a;
  $<HTMLButtonElement>("start").disabled = running;
  $<HTMLButtonElement>("pause").disabled = !running;
  $<HTMLButtonElement>("resume").disabled = running || !ready;
  $<HTMLButtonElement>("reset").disabled = !ready;
  $<HTMLButtonElement>("save").disabled = !ready;
  const kind = summaries.a?.kind;
  $<HTMLButtonElement>("generate").disabled = !loaded || kind !== "language-model";
  $<HTMLButtonElement>("forecast").disabled = !loaded || kind !== "forecast";
}

function showSummary(run: RunName, summary: SessionSummary): void {
  summaries[run] = summary;
  if (run === "a") {
    $("summary").textContent =
      `${summary.cell} · ${summary.parameters.toLocaleString("en-US")} parameters · ${summary.generationOnly ?? summary.description}${summary.vocab === null ? "" : ` · vocabulary ${summary.vocab}`} · ${summary.threads} thread${summary.threads === 1 ? "" : "s"}`;
    $("threads").textContent =
      `${isolated ? "cross-origin isolated" : "not cross-origin isolated"} · training on ${summary.threads} thread${summary.threads === 1 ? "" : "s"}`;
    $("threads").dataset.threads = String(summary.threads);
  }
  setButtons();
}

async function configureAndStart(run: RunName): Promise<void> {
  status("");
  const config = await buildConfig(cellConfig(run));
  const worker = client(run);
  await worker.request({ type: "init", plugins });
  curves.clear(run);
  if (run === "a") gradFlow.clear();
  showSummary(run, await worker.request({ type: "configure", config }));
  trainingNow[run] = true;
  if (run === "a") $("progress").dataset.state = "running";
  setButtons();
  await worker.request({ type: "start" });
}

const start = guard(() => configureAndStart("a"));

const pause = guard(async () => {
  await client("a").request({ type: "pause" });
  if (runs.b !== undefined && trainingNow.b) await runs.b.request({ type: "pause" });
});

const resume = guard(async () => {
  status("");
  trainingNow.a = true;
  setButtons();
  $("progress").dataset.state = "running";
  await client("a").request({ type: "start" });
});

const reset = guard(async () => {
  status("");
  trainingNow.a = false;
  showSummary("a", await client("a").request({ type: "reset" }));
  curves.clear("a");
  gradFlow.clear();
  $("progress").textContent = "reset: step 0";
  $("progress").dataset.step = "0";
  $("metrics").textContent = "";
  delete $("metrics").dataset.loss;
});

const generate = guard(async () => {
  const topK = $("top-k").value.trim();
  const texts = await client("a").request({
    type: "generate",
    options: {
      prefix: $("prefix").value,
      length: number("length"),
      temperature: number("temperature"),
      topK: topK === "" ? null : Number(topK),
      greedy: $("greedy").checked,
      seed: number("seed"),
      count: number("count"),
    },
  });
  $("samples").textContent = texts.join("\n");
});

const forecast = guard(async () => {
  const result = await client("a").request({ type: "forecast", horizon: number("horizon") });
  $("forecast-note").textContent =
    `${result.truth.length} steps ahead, fed its own predictions: mean absolute error ${result.mae.toFixed(4)}`;
  drawForecast($("forecast-chart"), result.context, result.truth, result.forecast);
});

const compare = guard(async () => {
  await Promise.all([configureAndStart("a"), configureAndStart("b")]);
});

const save = guard(async () => {
  const { bytes, name } = await client("a").request({ type: "save" });
  const url = URL.createObjectURL(
    new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }),
  );
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

async function loadCheckpoint(file: File): Promise<void> {
  status("");
  const worker = client("a");
  if (trainingNow.a) await worker.request({ type: "pause" });
  await worker.request({ type: "init", plugins });
  const summary = await worker.request({
    type: "load",
    bytes: new Uint8Array(await file.arrayBuffer()),
  });
  curves.clear("a");
  gradFlow.clear();
  showSummary("a", summary);
  const cell = (summary.config.model as { cell: Json }).cell;
  $<HTMLSelectElement>("cell").value = cell.name as string;
  showCell("cell", "cell-options", "cell");
  for (const [key, value] of Object.entries(cell))
    if (key !== "name") writeOption($("cell-options"), key, value);
  $("progress").textContent = `loaded ${file.name}: ${summary.cell}, trained ${summary.step} steps`;
  $("progress").dataset.step = String(summary.step);
  $("progress").dataset.state = "loaded";
}

async function addPlugin(spec: string, source: string): Promise<void> {
  status("");
  const next = [...plugins.filter((p) => p.spec !== spec), { spec, source }];
  const result = await client("a").request({ type: "init", plugins: next });
  plugins.splice(0, plugins.length, ...next);
  if (runs.b !== undefined) await runs.b.request({ type: "init", plugins });
  const added = result.cells.filter((c) => c.plugin === spec);
  applyCatalog(result);
  if (added[0] !== undefined) {
    $<HTMLSelectElement>("cell").value = added[0].name;
    showCell("cell", "cell-options", "cell");
  }
  status(`plugin ${spec}: ${added.length} cell(s) added`);
  $("status").dataset.plugin = spec;
}

// ---- wiring ----

function dropText(target: HTMLElement, onText: (name: string, text: string) => void): void {
  target.addEventListener("dragover", (event) => event.preventDefault());
  target.addEventListener("drop", (event) => {
    event.preventDefault();
    event.stopPropagation(); // the page's own drop handler is for checkpoints and plugins
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) void file.text().then((text) => onText(file.name, text));
  });
}

function showDatasetChoice(): void {
  const choice = $<HTMLSelectElement>("dataset").value;
  $<HTMLTextAreaElement>("user-text").hidden = choice !== "text";
  const notes: Record<string, string> = {
    names: "8,000 names, shuffled 80/10/10; each framed <bos> … <eos>; the state resets per batch.",
    moby: "The first 99,000 characters of the book, split by position 90/5/5, cut for truncated BPTT.",
    sine: "x_t = sin(0.01 t) + noise, 1,000 values; choose ar or a recurrent cell, and forecast.",
    copy: "Remember 10 symbols across a delay of 20 steps, then write them back (the note's long-range test).",
    text: "Your text, split by position 90/5/5, one character per token.",
  };
  $("dataset-note").textContent = notes[choice] ?? "";
}

async function boot(): Promise<void> {
  $("threads").textContent = isolated
    ? `cross-origin isolated: threads available (${threads})`
    : "not cross-origin isolated: one thread (serve with COOP/COEP for threads)";
  $("cell").addEventListener("change", () => showCell("cell", "cell-options", "cell"));
  $("compare-cell").addEventListener("change", () =>
    showCell("compare-cell", "compare-options", "compare"),
  );
  $("optimizer").addEventListener("change", showOptimizer);
  $("dataset").addEventListener("change", showDatasetChoice);
  $("start").addEventListener("click", start);
  $("pause").addEventListener("click", pause);
  $("resume").addEventListener("click", resume);
  $("reset").addEventListener("click", reset);
  $("generate").addEventListener("click", generate);
  $("forecast").addEventListener("click", forecast);
  $("compare-start").addEventListener("click", compare);
  $("save").addEventListener("click", save);
  $("load-file").addEventListener(
    "change",
    guard(async () => {
      const file = $("load-file").files?.[0];
      if (file !== undefined) await loadCheckpoint(file);
    }),
  );
  $("plugin-file").addEventListener(
    "change",
    guard(async () => {
      const file = $("plugin-file").files?.[0];
      if (file !== undefined) await addPlugin(file.name, await file.text());
    }),
  );
  $("plugin-load").addEventListener(
    "click",
    guard(async () => {
      const url = new URL($("plugin-url").value, location.href);
      const response = await fetch(url);
      if (!response.ok) throw new Error(`plugin ${url}: HTTP ${response.status}`);
      await addPlugin(url.pathname.split("/").pop() ?? url.href, await response.text());
    }),
  );
  dropText($("user-text"), (_name, text) => {
    $<HTMLTextAreaElement>("user-text").value = text;
  });
  // Anywhere on the page: a checkpoint loads, a .js file registers as a plugin.
  document.body.addEventListener("dragover", (event) => event.preventDefault());
  document.body.addEventListener(
    "drop",
    guard(async (event: DragEvent) => {
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (file === undefined) return;
      if (/\.safetensors$/.test(file.name)) await loadCheckpoint(file);
      else if (/\.m?js$/.test(file.name)) await addPlugin(file.name, await file.text());
    }),
  );
  showDatasetChoice();
  applyCatalog(await client("a").request({ type: "init", plugins }));
  setButtons();
  document.body.dataset.ready = "true";
}

guard(boot)();
