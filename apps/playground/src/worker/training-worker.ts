/**
 * A training worker: one session of the trainer's core (the same code as
 * `recurrent train`: config resolution, task, model, optimizer, checkpoint
 * format), driven by messages from the page so the page stays responsive.
 * The loop yields between steps, so pause, generate and save are heard
 * while it trains; validation and the gradient flow ‖∂L/∂h_t‖ are measured
 * at every evaluation, as the CLI does.
 */
import type { TokenizerJSON } from "@recurrent/data";
import { Checkpoint } from "@recurrent/nn";
import {
  describeOptions,
  type Entry,
  type Json,
  type Plugin,
  type Registry,
} from "@recurrent/registry";
import { Generator } from "@recurrent/tensor";
import { threadsReady } from "@recurrent/tensor/threads";
import {
  measureGradFlow,
  parameterCount,
  resolveConfig,
  rollOut,
  runName,
  Session,
  sampleText,
} from "@recurrent/trainer/core";
import type {
  Catalog,
  EntryInfo,
  ForecastResult,
  GenerateOptions,
  GradFlowView,
  PluginSource,
  Request,
  Results,
  SessionSummary,
  TrainPoint,
  WorkerEvent,
} from "../protocol.js";
import { importPlugin } from "./plugin-module.js";
import { createPageRegistry, examplePlugins } from "./registry.js";
import { standInFor } from "./stand-in-data.js";

let userPlugins: { spec: string; plugin: Plugin }[] = [];
let registry: Registry = createPageRegistry([]);
let session: Session | null = null;
let rawConfig: Json | null = null;
let running = false;
let threads = 1;
/** Set when the session's data is a stand-in: it generates, and nothing else. */
let generationOnly: string | null = null;

const post = (message: WorkerEvent) => postMessage(message);

/** A macrotask without the 4 ms clamp of nested timeouts: lets queued messages in. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function pluginOf(entry: Entry): string {
  for (const { spec, plugin } of userPlugins) if (plugin.entries.includes(entry)) return spec;
  for (const [spec, plugin] of Object.entries(examplePlugins)) {
    if (plugin.entries.includes(entry)) return spec;
  }
  return "built-in";
}

function describe(kind: string): EntryInfo[] {
  return registry.list(kind).map((entry) => ({
    name: entry.name,
    description: entry.description,
    options: describeOptions(entry),
    plugin: pluginOf(entry),
  }));
}

function catalog(): Catalog {
  return {
    cells: describe("cell"),
    optimizers: describe("optimizer"),
    plugins: userPlugins.map((p) => p.spec),
  };
}

async function init(plugins: readonly PluginSource[]): Promise<Catalog> {
  const loaded: { spec: string; plugin: Plugin }[] = [];
  for (const { spec, source } of plugins) {
    if (source === undefined) continue; // examples are always registered
    loaded.push({ spec, plugin: await importPlugin(source, spec) });
  }
  const next = createPageRegistry(loaded.map((p) => p.plugin));
  userPlugins = loaded;
  registry = next;
  return catalog();
}

/** The plugin specs a checkpoint must record: those that provide an entry the config uses. */
function pluginsUsed(config: Json): string[] {
  const names = JSON.stringify(config);
  const specs: string[] = [];
  const all = [
    ...Object.entries(examplePlugins).map(([spec, plugin]) => ({ spec, plugin })),
    ...userPlugins,
  ];
  for (const { spec, plugin } of all) {
    if (plugin.entries.some((e) => names.includes(`"name":${JSON.stringify(e.name)}`))) {
      specs.push(spec);
    }
  }
  return specs;
}

/** Threads as asked, where the library can start them here; else one. */
function withThreads(raw: Json): Json {
  const train = { ...((raw.train as Json | undefined) ?? {}), threads };
  return { ...raw, train };
}

async function build(
  raw: Json,
  checkpoint?: Checkpoint,
  standInNote: string | null = null,
): Promise<SessionSummary> {
  running = false;
  const config = resolveConfig(withThreads(raw), registry);
  const plugins = pluginsUsed(raw);
  let created: Session;
  try {
    created = await Session.create(config, registry, {
      cwd: "/",
      plugins,
      ...(checkpoint === undefined ? {} : { checkpoint }),
    });
  } catch (error) {
    if (threads === 1 || !/threads/.test((error as Error).message)) throw error;
    threads = 1; // this build of the library cannot start threads in a page
    return build(raw, checkpoint, standInNote);
  }
  session = created;
  rawConfig = raw;
  generationOnly = standInNote;
  // Threads start once this worker returns to its event loop; report those actually running.
  return summary(created, await threadsReady());
}

function summary(s: Session, running: number): SessionSummary {
  return {
    kind: s.task.kind,
    description: s.task.description,
    cell: s.config.model.cell.name,
    parameters: parameterCount(s.model),
    vocab: s.task.kind === "language-model" ? s.task.vocab : null,
    step: s.step,
    steps: s.config.train.steps,
    threads: running,
    generationOnly,
    config: JSON.parse(JSON.stringify(s.config)) as Json,
  };
}

function current(): Session {
  if (session === null) throw new Error("no model yet: configure or load one first");
  return session;
}

/** The session, unless its data is a stand-in (train, evaluate, save, reset). */
function trainable(what: string): Session {
  const s = current();
  if (generationOnly !== null) throw new Error(`${what}: this model was ${generationOnly}`);
  return s;
}

function gradFlowOf(s: Session): GradFlowView | null {
  try {
    const result = measureGradFlow(s.model, s.task, s.loss, {
      length: Math.min(s.config.train.bptt, 64),
      batch: 8,
    });
    return { rows: result.rows, norms: result.norms, part: result.part, lossAt: result.lossAt };
  } catch {
    return null; // a cell without a recurrent state (markov, ar) has no flow to show
  }
}

function evaluateNow(s: Session): void {
  const metrics = s.evaluate("validation", true);
  post({ event: "eval", step: s.step, metrics, gradFlow: gradFlowOf(s) });
}

async function train(): Promise<void> {
  const s = current();
  if (generationOnly !== null) {
    post({ event: "failed", message: `train: this model was ${generationOnly}` });
    return;
  }
  running = true;
  const { steps, evalEvery } = s.config.train;
  let points: TrainPoint[] = [];
  let rate = 0;
  let lastPost = 0;
  let result: "paused" | "done" = "paused";
  try {
    for (;;) {
      if (!running || session !== s) break;
      if (steps !== null && s.step >= steps) {
        result = "done";
        break;
      }
      const before = performance.now();
      const step = s.trainStep();
      const after = performance.now();
      s.elapsedMs += after - before;
      if (!Number.isFinite(step.loss)) {
        throw new Error(
          `training diverged: the loss is ${step.loss} at step ${step.step}; lower the learning rate or set a clip`,
        );
      }
      const stepRate = step.tokens / Math.max((after - before) / 1000, 1e-9);
      rate = rate === 0 ? stepRate : 0.9 * rate + 0.1 * stepRate;
      points.push({ step: step.step, loss: step.loss });
      const evaluating = s.step % evalEvery === 0;
      if (evaluating || after - lastPost > 150) {
        post({
          event: "progress",
          step: s.step,
          loss: step.loss,
          tokensPerSecond: rate,
          elapsedMs: s.elapsedMs,
          points,
        });
        points = [];
        lastPost = after;
      }
      if (evaluating) evaluateNow(s);
      await yieldToMessages();
    }
  } catch (error) {
    running = false;
    post({ event: "failed", message: (error as Error).message });
    return;
  }
  if (session !== s) return;
  running = false;
  if (result === "done" && s.step % evalEvery !== 0) evaluateNow(s);
  post({ event: "stopped", step: s.step, reason: result });
}

function generate(options: GenerateOptions): string[] {
  const s = current();
  const task = s.task;
  if (task.kind !== "language-model") {
    throw new Error("generate: this model forecasts a series; use forecast");
  }
  const generator = new Generator(options.seed);
  return Array.from({ length: options.count }, () =>
    sampleText(s.model, task, { ...options, generator }),
  );
}

function forecast(horizon: number): ForecastResult {
  const s = current();
  const task = s.task;
  if (task.kind !== "forecast") throw new Error("forecast: this model is a language model");
  const { train, validation } = task.splits;
  const warm = Math.min(train.length, 4 * s.config.train.bptt);
  const context = train.subarray(train.length - warm);
  const k = Math.max(1, Math.min(horizon, validation.length));
  const steps = rollOut(s.model, [context], k);
  const forecastValues = task.toOriginal(steps.map((step) => step[0] as number));
  const truth = task.toOriginal(validation.subarray(0, k));
  let error = 0;
  for (let i = 0; i < k; i++)
    error += Math.abs((forecastValues[i] as number) - (truth[i] as number));
  return {
    truth: Array.from(truth),
    forecast: Array.from(forecastValues),
    context: Array.from(task.toOriginal(context.subarray(Math.max(0, warm - 2 * k)))),
    mae: error / k,
  };
}

function save(): { bytes: Uint8Array; name: string } {
  const s = trainable("save");
  const bytes = s.toCheckpoint().toBytes();
  const name = `${runName(s.config)}-step-${String(s.step).padStart(6, "0")}.safetensors`;
  return { bytes, name };
}

/** A checkpoint's plugins, matched to the examples and the user's loaded plugins. */
function checkRecordedPlugins(recorded: readonly string[]): void {
  const missing = recorded.filter((spec) => {
    const base = spec.replace(/\\/g, "/").replace(/\/+$/, "");
    if (
      Object.keys(examplePlugins).some(
        (name) => base === name || base.endsWith(name.split("/")[1] as string),
      )
    ) {
      return false;
    }
    return !userPlugins.some((p) => base.endsWith(p.spec));
  });
  if (missing.length > 0) {
    throw new Error(
      `load: the checkpoint was trained with plugin(s) ${missing.join(", ")}; load the plugin file first (Plugins), then the checkpoint`,
    );
  }
}

async function load(bytes: Uint8Array): Promise<SessionSummary> {
  let checkpoint: Checkpoint;
  try {
    checkpoint = Checkpoint.fromBytes(bytes);
  } catch (error) {
    throw new Error(`load: not a checkpoint of ours: ${(error as Error).message}`);
  }
  const recorded = checkpoint.json<{ config: Json; plugins?: string[] }>("config");
  if (recorded === undefined) {
    throw new Error("load: the checkpoint records no config (it was not written by the trainer)");
  }
  checkRecordedPlugins(recorded.plugins ?? []);
  const saved = checkpoint.has("data")
    ? checkpoint.json<{ tokenizer?: TokenizerJSON }>("data")
    : undefined;
  const standIn = standInFor(recorded.config, registry, saved?.tokenizer);
  if (standIn === null) return build(recorded.config, checkpoint);
  return build(standIn.config, checkpoint, standIn.note);
}

async function handle(request: Request): Promise<Results[keyof Results]> {
  switch (request.type) {
    case "init":
      return init(request.plugins);
    case "catalog":
      return catalog();
    case "configure":
      return build(request.config);
    case "start":
      trainable("train");
      if (!running) void train();
      return { step: current().step };
    case "pause":
      running = false;
      return { step: current().step };
    case "reset":
      trainable("reset");
      if (rawConfig === null) throw new Error("reset: nothing configured yet");
      return build(rawConfig);
    case "evaluate":
      return trainable("evaluate").evaluate(request.split);
    case "generate":
      return generate(request.options);
    case "forecast":
      return forecast(request.horizon);
    case "save":
      return save();
    case "load":
      return load(request.bytes);
  }
}

self.onmessage = async (
  message: MessageEvent<{ id: number; request: Request; threads?: number }>,
) => {
  const { id, request } = message.data;
  if (message.data.threads !== undefined) threads = message.data.threads;
  try {
    const result = await handle(request);
    postMessage({ id, ok: true, result });
  } catch (error) {
    postMessage({ id, ok: false, error: (error as Error).message });
  }
};
