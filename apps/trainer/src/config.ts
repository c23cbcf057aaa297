/**
 * The run config: one JSON document, validated before anything is loaded
 * or trained. Two kinds of sections live in it:
 *
 * - the trainer's own (`data.split`, `model.layers`, `train.*`, `eval.*`),
 *   checked by the zod schema below;
 * - registry entries (`data.dataset`, `data.tokenizer`, `model.cell`,
 *   `model.init.*`, `optimizer`, `schedule`, `loss`), written as
 *   `{ "name": "adam", "lr": 0.003 }` (or just `"adam"`) and checked by the
 *   entry's own schema through `registry.check`.
 *
 * Every problem of both kinds comes back in one `ConfigError`, so a config
 * with a typo and a bad value fails once, listing both. The resolved config
 * (defaults filled, every entry's options included) is what a run directory
 * stores as config.json.
 */
import {
  ConfigError,
  type ConfigProblem,
  type EntryConfig,
  type Json,
  parseConfig,
  type Registry,
  z,
} from "@recurrent/registry";
import { getPath, isObject, setPath } from "./config-edit.js";

export type { EntryConfig };

const entryRef = z
  .looseObject({ name: z.string().min(1).describe("a registered name") })
  .describe("a registry entry: { name, ...options }");

/**
 * A registry section: an entry, or its name alone (`"adam"` stands for
 * `{ "name": "adam" }`). Its options are checked by the entry's own schema
 * (`registry.parseEntry`), not here.
 */
const entry = () =>
  z.preprocess((value) => (typeof value === "string" ? { name: value } : value), entryRef);

/** The registry sections, with their defaults: the schema below places them. */
const sections = {
  dataset: entry().default({ name: "moby-dick" }),
  tokenizer: entry().default({ name: "char" }).describe("for text and independent sequences"),
  cell: entry().default({ name: "lstm", hidden: 128 }),
  optimizer: entry().default({ name: "adam", lr: 0.003 }),
  schedule: entry().nullable().default(null).describe("stepped once per training step"),
  loss: entry().nullable().default(null).describe("null: cross-entropy for tokens, mse for series"),
};

const split = z
  .strictObject({
    train: z.number().gt(0).max(1).default(0.9),
    validation: z.number().gt(0).lt(1).default(0.05),
    test: z.number().min(0).lt(1).default(0.05),
  })
  .describe("fractions, by position for text and series, shuffled for independent sequences");

export const trainerConfigSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe("run name (default: <cell>-<dataset>)"),
    data: z.strictObject({
      dataset: sections.dataset,
      tokenizer: sections.tokenizer,
      split: split.prefault({}),
      scaler: z
        .enum(["standard", "min-max", "none"])
        .default("standard")
        .describe("series only: fitted on the training split, inverted in every reported metric"),
    }),
    model: z.strictObject({
      cell: sections.cell,
      layers: z.number().int().min(1).default(1),
      input: z
        .enum(["auto", "one-hot", "embedding"])
        .default("auto")
        .describe(
          "tokens: auto asks the cell (one-hot for markov, so it can be counted), else an embedding",
        ),
      embeddingSize: z.number().int().min(1).default(32),
      dropout: z.number().min(0).lt(1).default(0).describe("between stacked layers"),
      init: z
        .record(z.string().min(1), entry())
        .default({})
        .describe('parameter name pattern (* wildcard) → initializer, e.g. "*weight_hh*"'),
    }),
    optimizer: sections.optimizer,
    schedule: sections.schedule,
    loss: sections.loss,
    train: z
      .strictObject({
        steps: z.number().int().min(1).nullable().default(2000),
        minutes: z.number().gt(0).nullable().default(null).describe("wall-clock budget"),
        batchSize: z.number().int().min(1).default(32),
        bptt: z
          .number()
          .int()
          .min(1)
          .default(64)
          .describe("truncated BPTT length: time steps per batch"),
        batching: z
          .enum(["sequential", "random"])
          .default("sequential")
          .describe("how a long sequence is cut (independent sequences are always padded batches)"),
        truncate: z
          .number()
          .int()
          .min(1)
          .nullable()
          .default(null)
          .describe(
            "truncated BPTT inside a batch: cut the gradient through the state every k steps (null: through the whole batch)",
          ),
        statePolicy: z
          .enum(["auto", "carry", "reset"])
          .default("auto")
          .describe("must match the batches: carry (sequential) or reset (random, sequences)"),
        clip: z.number().gt(0).nullable().default(1).describe("max global gradient norm"),
        seed: z.number().int().default(0),
        threads: z
          .union([z.number().int().min(1).max(256), z.literal("auto")])
          .default(1)
          .describe(
            "threads for the large products and recurrences: 1, N or auto (one per core); results are identical",
          ),
        evalEvery: z.number().int().min(1).default(200),
        checkpointEvery: z.number().int().min(1).default(500),
        keepCheckpoints: z.number().int().min(1).default(2),
      })
      .prefault({}),
    eval: z
      .strictObject({
        maxTokens: z
          .number()
          .int()
          .min(1)
          .nullable()
          .default(20000)
          .describe("tokens per validation pass (null: all)"),
        horizons: z.array(z.number().int().min(1)).min(1).default([1, 4, 16, 64]),
        seasonalPeriod: z
          .number()
          .int()
          .min(1)
          .nullable()
          .default(null)
          .describe("series: also report the seasonal-naive baseline x_{t−P}"),
        sampleLength: z.number().int().min(0).default(200),
        samplePrefix: z.string().default(""),
        samples: z.number().int().min(0).default(1),
        temperature: z.number().gt(0).default(0.8),
        topK: z.number().int().min(1).nullable().default(null),
      })
      .prefault({}),
  })
  .superRefine(crossCheck, { when: () => true });

/** What a config file may hold (every section optional, names as strings allowed). */
export type TrainerConfigInput = z.input<typeof trainerConfigSchema>;
/** A resolved config: defaults filled in, every registry section `{ name, ...options }` parsed by its entry. */
export type TrainerConfig = z.output<typeof trainerConfigSchema>;

/** Where the registry sections sit, and of which kind. */
const entrySections = [
  { path: ["data", "dataset"], kind: "dataset", schema: sections.dataset },
  { path: ["data", "tokenizer"], kind: "tokenizer", schema: sections.tokenizer },
  { path: ["model", "cell"], kind: "cell", schema: sections.cell },
  { path: ["optimizer"], kind: "optimizer", schema: sections.optimizer },
  { path: ["schedule"], kind: "schedule", schema: sections.schedule },
  { path: ["loss"], kind: "loss", schema: sections.loss },
] as const;

/** A deep copy with every registry section present (string shorthand expanded to { name }). */
export function withEntryDefaults(raw: Json): Json {
  const out = structuredClone(raw);
  for (const { path, schema } of entrySections) {
    const parent = ensureParent(out, path);
    if (parent === undefined) continue;
    const key = path[path.length - 1] as string;
    const value = parent[key];
    // The schema fills a missing section and expands a name; a bad value is left for it to report.
    if (value === undefined || typeof value === "string") {
      parent[key] = structuredClone(schema.parse(value));
    }
  }
  const model = out.model;
  if (isObject(model) && isObject(model.init)) {
    for (const [pattern, value] of Object.entries(model.init)) {
      if (typeof value === "string") model.init[pattern] = { name: value };
    }
  }
  return out;
}

function ensureParent(root: Json, path: readonly string[]): Json | undefined {
  let node: Json = root;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (!isObject(next)) return undefined; // the schema reports it
    node = node[part] as Json;
  }
  return node;
}

/** Every registry section of a raw config: kind, entry config, and where it sits. */
function entryRequests(
  raw: Json,
): { readonly kind: string; readonly entry: EntryConfig; readonly parts: readonly string[] }[] {
  const requests: { kind: string; entry: EntryConfig; parts: readonly string[] }[] = [];
  const add = (kind: string, value: unknown, parts: readonly string[]) => {
    if (!isObject(value) || typeof value.name !== "string") return; // the schema reports it
    requests.push({ kind, entry: { ...value, name: value.name }, parts });
  };
  for (const { path, kind } of entrySections) add(kind, getPath(raw, path), path);
  const init = getPath(raw, ["model", "init"]);
  if (isObject(init)) {
    for (const [pattern, value] of Object.entries(init)) {
      add("initializer", value, ["model", "init", pattern]);
    }
  }
  return requests;
}

/**
 * Problems no single field can see: fields that must agree with each other.
 * It runs even when other fields failed (so every problem is listed at
 * once), reading only fields of the right type: defaults are filled by
 * then, and a wrong type is its field's problem.
 */
function crossCheck(config: unknown, ctx: z.RefinementCtx): void {
  const problem = (path: readonly string[], message: string) =>
    ctx.addIssue({ code: "custom", path: [...path], message, params: { verbatim: true } });
  const number = (path: string): number | null | undefined => {
    const value = getPath(config, path.split("."));
    return typeof value === "number" || value === null ? value : undefined;
  };
  const text = (path: string): string | undefined => {
    const value = getPath(config, path.split("."));
    return typeof value === "string" ? value : undefined;
  };
  if (number("train.steps") === null && number("train.minutes") === null) {
    problem(["train"], "expected a budget: set steps, minutes, or both (whichever ends first)");
  }
  const fractions = ["train", "validation", "test"].map((part) => number(`data.split.${part}`));
  if (fractions.every((f) => typeof f === "number")) {
    const total = fractions.reduce<number>((a, b) => a + (b ?? 0), 0);
    if (Math.abs(total - 1) > 1e-9) {
      problem(
        ["data", "split"],
        `expected train + validation + test = 1, got ${+total.toFixed(6)}`,
      );
    }
  }
  const policy = text("train.statePolicy");
  const batching = text("train.batching");
  if (policy === "carry" && batching === "random") {
    problem(
      ["train", "statePolicy"],
      'expected "auto" or "reset" with random batches: their rows do not continue one another, so a carried state would leak between unrelated chunks',
    );
  }
  if (policy === "reset" && batching === "sequential") {
    problem(
      ["train", "statePolicy"],
      'expected "auto" or "carry" with sequential batches: each row continues the row before (use train.batching "random" to train from fresh states)',
    );
  }
  const dropout = number("model.dropout");
  const layers = number("model.layers");
  if (typeof dropout === "number" && typeof layers === "number" && dropout > 0 && layers < 2) {
    problem(
      ["model", "dropout"],
      `applies between stacked layers, so it does nothing with layers = ${layers}; set model.layers >= 2 or dropout 0`,
    );
  }
}

/**
 * Validate a raw config (file plus overrides) against the trainer's schema
 * and every entry's schema; return it resolved, or throw one ConfigError
 * listing every problem.
 */
export function resolveConfig(rawInput: Json, registry: Registry): TrainerConfig {
  const raw = withEntryDefaults(rawInput);
  const own = parseConfig(trainerConfigSchema, raw);
  const problems: ConfigProblem[] = own.ok ? [] : [...own.problems];
  const entries: { parts: readonly string[]; value: EntryConfig }[] = [];
  for (const { kind, parts, entry } of entryRequests(raw)) {
    const result = registry.parseEntry(kind, entry, parts.join("."));
    if (result.ok) entries.push({ parts, value: result.value });
    else problems.push(...result.problems);
  }
  if (!own.ok || problems.length > 0) {
    throw new ConfigError(sortProblems(problems), "invalid config");
  }
  const config = own.value;
  // Each section becomes what its entry parsed (options with defaults), so it is not parsed again.
  for (const { parts, value } of entries) setPath(config, parts, value);
  return config;
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const order = ["name", "data", "model", "optimizer", "schedule", "loss", "train", "eval"];
  const rank = (p: ConfigProblem) => {
    const head = p.path.split(/[.[]/)[0] ?? "";
    const at = order.indexOf(head);
    return at < 0 ? order.length : at;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map(({ p }) => p);
}

/** The name of a run: the config's, or <cell>-<dataset> without namespaces. */
export function runName(config: TrainerConfig): string {
  if (config.name !== undefined) return config.name;
  const plain = (name: string) => name.replace(/^.*\//, "");
  return `${plain(config.model.cell.name)}-${plain(config.data.dataset.name)}`;
}
