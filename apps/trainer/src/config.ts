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
  type ConfigRequest,
  createRegistry,
  defineEntry,
  definePlugin,
  type Registry,
  z,
} from "@recurrent/registry";
import { getPath, isObject, type Json, setPath } from "./config-edit.js";

/** A registry entry in a config: its name and its options. */
export interface EntryConfig {
  readonly name: string;
  readonly [option: string]: unknown;
}

const entryRef = z
  .looseObject({ name: z.string().min(1).describe("a registered name") })
  .describe("a registry entry: { name, ...options }");

const split = z
  .strictObject({
    train: z.number().gt(0).max(1).default(0.9),
    validation: z.number().gt(0).lt(1).default(0.05),
    test: z.number().min(0).lt(1).default(0.05),
  })
  .describe("fractions, by position for text and series, shuffled for independent sequences");

export const trainerConfigSchema = z.strictObject({
  name: z.string().min(1).optional().describe("run name (default: <cell>-<dataset>)"),
  data: z.strictObject({
    dataset: entryRef,
    tokenizer: entryRef.describe("for text and independent sequences"),
    split: split.prefault({}),
    scaler: z
      .enum(["standard", "min-max", "none"])
      .default("standard")
      .describe("series only: fitted on the training split, inverted in every reported metric"),
  }),
  model: z.strictObject({
    cell: entryRef,
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
      .record(z.string().min(1), entryRef)
      .default({})
      .describe('parameter name pattern (* wildcard) → initializer, e.g. "*weight_hh*"'),
  }),
  optimizer: entryRef,
  schedule: entryRef.nullable().default(null).describe("stepped once per training step"),
  loss: entryRef
    .nullable()
    .default(null)
    .describe("null: cross-entropy for tokens, mse for series"),
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
});

export type TrainerConfig = Omit<
  z.output<typeof trainerConfigSchema>,
  "data" | "model" | "optimizer" | "schedule" | "loss"
> & {
  readonly data: Omit<z.output<typeof trainerConfigSchema>["data"], "dataset" | "tokenizer"> & {
    readonly dataset: EntryConfig;
    readonly tokenizer: EntryConfig;
  };
  readonly model: Omit<z.output<typeof trainerConfigSchema>["model"], "cell" | "init"> & {
    readonly cell: EntryConfig;
    readonly init: Readonly<Record<string, EntryConfig>>;
  };
  readonly optimizer: EntryConfig;
  readonly schedule: EntryConfig | null;
  readonly loss: EntryConfig | null;
};

/** Where the registry sections sit, and their defaults when a config leaves them out. */
const entrySections = [
  { path: ["data", "dataset"], kind: "dataset", fallback: { name: "moby-dick" } },
  { path: ["data", "tokenizer"], kind: "tokenizer", fallback: { name: "char" } },
  { path: ["model", "cell"], kind: "cell", fallback: { name: "lstm", hidden: 128 } },
  { path: ["optimizer"], kind: "optimizer", fallback: { name: "adam", lr: 0.003 } },
  { path: ["schedule"], kind: "schedule", fallback: null },
  { path: ["loss"], kind: "loss", fallback: null },
] as const;

/** The trainer's schema as a registry entry, so its problems read like every other entry's. */
const trainerEntry = defineEntry({
  kind: "trainer-config",
  name: "config",
  description: "the trainer's own config sections",
  schema: trainerConfigSchema,
  create: (config) => config,
});
const schemaRegistry = createRegistry().use(
  definePlugin({
    name: "@recurrent/trainer/config",
    kinds: [{ name: "trainer-config", description: "the trainer's config" }],
    entries: [trainerEntry],
  }),
);

/** A deep copy with every registry section present (string shorthand expanded to { name }). */
export function withEntryDefaults(raw: Json): Json {
  const out = structuredClone(raw);
  for (const { path, fallback } of entrySections) {
    const parent = ensureParent(out, path);
    if (parent === undefined) continue;
    const key = path[path.length - 1] as string;
    const value = parent[key];
    if (value === undefined) parent[key] = structuredClone(fallback);
    else if (typeof value === "string") parent[key] = { name: value };
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

/** Every registry section of a raw config: kind, name, options, path (and its parts). */
function entryRequests(raw: Json): (ConfigRequest & { readonly parts: readonly string[] })[] {
  const requests: (ConfigRequest & { readonly parts: readonly string[] })[] = [];
  const add = (kind: string, value: unknown, parts: readonly string[]) => {
    if (!isObject(value) || typeof value.name !== "string") return; // the schema reports it
    const { name, ...options } = value;
    requests.push({ kind, name, config: options, path: parts.join("."), parts });
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
 * Problems no single schema can see: fields that must agree with each
 * other. Read from the raw config with the schema's defaults, and only where
 * the fields have the right types (a wrong type is the schema's problem),
 * so they are reported together with every other problem.
 */
function crossProblems(raw: Json): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const read = <T>(
    path: string,
    type: "number" | "string",
    fallback: T,
    nullable = false,
  ): T | undefined => {
    const value = getPath(raw, path.split("."));
    if (value === undefined) return fallback;
    if (value === null && nullable) return null as T;
    return typeof value === type ? (value as T) : undefined;
  };
  const steps = read<number | null>("train.steps", "number", 2000, true);
  const minutes = read<number | null>("train.minutes", "number", null, true);
  if (steps === null && minutes === null) {
    problems.push({
      path: "train",
      message: "expected a budget: set steps, minutes, or both (whichever ends first)",
    });
  }
  const fractions = [
    read("data.split.train", "number", 0.9),
    read("data.split.validation", "number", 0.05),
    read("data.split.test", "number", 0.05),
  ];
  if (fractions.every((f) => typeof f === "number")) {
    const total = (fractions as number[]).reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-9) {
      problems.push({
        path: "data.split",
        message: `expected train + validation + test = 1, got ${+total.toFixed(6)}`,
      });
    }
  }
  const policy = read<string>("train.statePolicy", "string", "auto");
  const batching = read<string>("train.batching", "string", "sequential");
  if (policy === "carry" && batching === "random") {
    problems.push({
      path: "train.statePolicy",
      message:
        'expected "auto" or "reset" with random batches: their rows do not continue one another, so a carried state would leak between unrelated chunks',
    });
  }
  if (policy === "reset" && batching === "sequential") {
    problems.push({
      path: "train.statePolicy",
      message:
        'expected "auto" or "carry" with sequential batches: each row continues the row before (use train.batching "random" to train from fresh states)',
    });
  }
  const dropout = read("model.dropout", "number", 0);
  const layers = read("model.layers", "number", 1);
  if (dropout !== undefined && layers !== undefined && dropout > 0 && layers < 2) {
    problems.push({
      path: "model.dropout",
      message: `applies between stacked layers, so it does nothing with layers = ${layers}; set model.layers >= 2 or dropout 0`,
    });
  }
  return problems;
}

/**
 * Validate a raw config (file plus overrides) against the trainer's schema
 * and every entry's schema; return it resolved, or throw one ConfigError
 * listing every problem.
 */
export function resolveConfig(rawInput: Json, registry: Registry): TrainerConfig {
  const raw = withEntryDefaults(rawInput);
  const problems: ConfigProblem[] = [
    ...schemaRegistry.check([{ kind: "trainer-config", name: "config", config: raw, path: "" }]),
    ...registry.check(entryRequests(raw)),
    ...crossProblems(raw),
  ];
  if (problems.length > 0) throw new ConfigError(sortProblems(problems), "invalid config");
  const parsed = schemaRegistry.parse("trainer-config", "config", raw) as unknown as Json;
  for (const request of entryRequests(raw)) {
    const options = registry.parse(request.kind, request.name, request.config as never);
    setPath(parsed, request.parts, {
      name: request.name,
      ...(options as Json),
    });
  }
  return parsed as unknown as TrainerConfig;
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
