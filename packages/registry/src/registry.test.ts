import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEntry } from "./entry.js";
import { ConfigError, type RegistryError } from "./errors.js";
import { defineKind } from "./kinds.js";
import { definePlugin } from "./plugin.js";
import { createRegistry } from "./registry.js";

const cellNames = ["ar", "gru", "latent-ar", "lstm", "markov", "rnn"];
const cells = definePlugin({
  name: "@recurrent/cells",
  entries: cellNames.map((name) =>
    defineEntry({
      kind: "cell",
      name,
      description: `${name} cell`,
      schema: z.object({ hidden: z.number().int().positive().default(32) }),
      create: (config) => ({ cell: name, ...config }),
    }),
  ),
});

const adam = defineEntry({
  kind: "optimizer",
  name: "adam",
  description: "Adam",
  schema: z.object({
    lr: z.number().min(0).default(0.001),
    betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
    amsgrad: z.boolean().default(false),
  }),
  create: (config) => config,
});

function withBuiltIns() {
  return createRegistry()
    .use(cells)
    .use(definePlugin({ name: "@recurrent/optim", entries: [adam] }));
}

describe("lookup", () => {
  it("finds an entry by kind and name and reports has/list", () => {
    const registry = withBuiltIns();
    expect(registry.get("cell", "lstm").description).toBe("lstm cell");
    expect(registry.has("cell", "gru")).toBe(true);
    expect(registry.has("cell", "transformer")).toBe(false);
    expect(registry.has("no-such-kind", "x")).toBe(false);
    expect(registry.list("cell").map((e) => e.name)).toEqual(cellNames);
    expect(registry.pluginOf("optimizer", "adam")).toBe("@recurrent/optim");
    expect(registry.pluginNames()).toEqual(["@recurrent/cells", "@recurrent/optim"]);
  });

  it("names the closest entry and everything registered for an unknown name", () => {
    const registry = withBuiltIns();
    expect(() => registry.get("cell", "lstn")).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: unknown cell "lstn"; did you mean "lstm"? registered: ar, gru, latent-ar, lstm, markov, rnn]`,
    );
  });

  it("lists what is registered when no name is close", () => {
    const registry = withBuiltIns();
    expect(() => registry.get("cell", "transformer")).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: unknown cell "transformer"; registered: ar, gru, latent-ar, lstm, markov, rnn]`,
    );
    expect(() => registry.get("loss", "mse")).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: unknown loss "mse"; no loss is registered]`,
    );
  });

  it("rejects an unknown kind with the closest kind", () => {
    const registry = withBuiltIns();
    expect(() => registry.list("optimiser")).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: unknown kind "optimiser"; did you mean "optimizer"? kinds: cell, optimizer, schedule, dataset, tokenizer, loss, initializer, backend]`,
    );
  });

  it("gives each error a stable code", () => {
    const registry = withBuiltIns();
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as RegistryError).code;
      }
      return "no error";
    };
    expect(codeOf(() => registry.get("cell", "x"))).toBe("UNKNOWN_ENTRY");
    expect(codeOf(() => registry.get("kindless", "x"))).toBe("UNKNOWN_KIND");
    expect(codeOf(() => registry.use(cells).use({ ...cells, name: "copy" }))).toBe(
      "DUPLICATE_ENTRY",
    );
    expect(codeOf(() => registry.parse("optimizer", "adam", { lr: -1 }))).toBe("INVALID_CONFIG");
  });
});

describe("registration", () => {
  it("throws on a duplicate name, naming both plugins, and registers nothing of the clashing plugin", () => {
    const registry = withBuiltIns();
    const acme = definePlugin({
      name: "acme-cells",
      entries: [
        defineEntry({ kind: "cell", name: "acme/peephole", description: "", create: () => 1 }),
        defineEntry({ kind: "cell", name: "lstm", description: "another lstm", create: () => 2 }),
      ],
    });
    expect(() => registry.use(acme)).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: duplicate cell "lstm": registered by plugin "@recurrent/cells", and again by plugin "acme-cells"]`,
    );
    expect(registry.has("cell", "acme/peephole")).toBe(false);
    expect(registry.get("cell", "lstm").description).toBe("lstm cell");
  });

  it("reports every problem of a bad plugin at once", () => {
    const registry = withBuiltIns();
    const bad = definePlugin({
      name: "bad",
      entries: [
        defineEntry({ kind: "cel", name: "x", description: "", create: () => 0 }),
        defineEntry({ kind: "cell", name: "has space", description: "", create: () => 0 }),
        defineEntry({ kind: "cell", name: "twice", description: "", create: () => 0 }),
        defineEntry({ kind: "cell", name: "twice", description: "", create: () => 0 }),
      ],
    });
    expect(() => registry.use(bad)).toThrowErrorMatchingInlineSnapshot(`
      [RegistryError: plugin "bad" cannot be registered:
        - cel "x" has unknown kind "cel"; did you mean "cell"? (a plugin adds a kind with \`kinds: [{ name, description }]\`)
        - cell name "has space" must be letters, digits and . _ / - (e.g. "acme/peephole-lstm")
        - duplicate cell "twice": listed twice in plugin "bad"]
    `);
  });

  it("lets a plugin add a kind of its own", () => {
    const registry = withBuiltIns().use(
      definePlugin({
        name: "metrics",
        kinds: [{ name: "metric", description: "evaluation metrics" }],
        entries: [
          defineEntry({ kind: "metric", name: "accuracy", description: "", create: () => "acc" }),
        ],
      }),
    );
    expect(registry.kinds().map((k) => k.name)).toContain("metric");
    expect(registry.create("metric", "accuracy")).toBe("acc");
  });

  it("refuses a kind defined twice", () => {
    const registry = createRegistry();
    const plugin = (name: string) =>
      definePlugin({ name, kinds: [{ name: "metric", description: "" }] });
    registry.use(plugin("one"));
    expect(() => registry.use(plugin("two"))).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: kind "metric" is already defined by plugin "one", and again by plugin "two"]`,
    );
    expect(() => registry.use(plugin("three"))).toThrow(
      expect.objectContaining({ code: "DUPLICATE_KIND" }),
    );
  });

  it("checks what a factory returns with its kind's guard, naming the entry", async () => {
    const metricKind = defineKind<(x: number) => number>({
      name: "metric",
      description: "metrics",
      guard: (v): v is (x: number) => number => typeof v === "function",
    });
    const good = defineEntry({
      kind: "metric",
      name: "double",
      description: "",
      create: () => (x: number) => 2 * x,
    });
    const bad = defineEntry({ kind: "metric", name: "broken", description: "", create: () => 42 });
    const late = defineEntry({
      kind: "metric",
      name: "late",
      description: "",
      create: async () => "no",
    });
    const registry = createRegistry().use(
      definePlugin({ name: "acme", kinds: [metricKind], entries: [good, bad, late] }),
    );
    expect((registry.create("metric", "double") as (x: number) => number)(3)).toBe(6);
    expect(() => registry.create("metric", "broken")).toThrow(
      'metric "broken" (plugin "acme"): its create() returned number, which is not a metric',
    );
    await expect(registry.create("metric", "late")).rejects.toThrow(
      expect.objectContaining({ code: "INVALID_VALUE" }),
    );
  });

  it("gives a factory the registry, so a composite resolves its members by name", () => {
    const leaf = defineEntry({
      kind: "schedule",
      name: "constant",
      description: "",
      schema: z.object({ value: z.number().default(1) }),
      create: ({ value }) => [value],
    });
    const pair = defineEntry({
      kind: "schedule",
      name: "pair",
      description: "",
      schema: z.object({ member: z.string() }),
      create: ({ member }, { registry }) => [
        ...(registry.create("schedule", member, { value: 2 }) as number[]),
        ...(registry.create("schedule", member, {}) as number[]),
      ],
    });
    const registry = createRegistry().use(definePlugin({ name: "s", entries: [leaf, pair] }));
    expect(registry.create("schedule", "pair", { member: "constant" })).toEqual([2, 1]);
  });

  it("parses a config once: create takes what parse returned as it is", () => {
    let parses = 0;
    const counted = defineEntry({
      kind: "loss",
      name: "counted",
      description: "",
      schema: z.object({ scale: z.number().default(1) }).transform((c) => {
        parses++;
        return c;
      }),
      create: (config) => config,
    });
    const registry = createRegistry().use(definePlugin({ name: "c", entries: [counted] }));
    const parsed = registry.parse("loss", "counted", { scale: 3 });
    expect(parses).toBe(1);
    expect(registry.create("loss", "counted", parsed)).toBe(parsed);
    expect(parses).toBe(1);
    registry.create("loss", "counted", { scale: 3 }); // a raw config is parsed
    expect(parses).toBe(2);
  });

  it("accepts the same plugin object twice and rejects a different plugin under a used name", () => {
    const registry = withBuiltIns();
    expect(() => registry.use(cells)).not.toThrow();
    expect(() =>
      registry.use(definePlugin({ name: "@recurrent/cells" })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: plugin "@recurrent/cells" is already registered by a different plugin object; give each plugin a unique name]`,
    );
  });
});

describe("configs", () => {
  it("fills defaults and hands the parsed config to the factory", () => {
    const registry = withBuiltIns();
    expect(registry.create("optimizer", "adam", { lr: 0.01 })).toEqual({
      lr: 0.01,
      betas: [0.9, 0.999],
      amsgrad: false,
    });
    expect(registry.create("cell", "gru")).toEqual({ cell: "gru", hidden: 32 });
  });

  it("lists every problem with its path, what was expected and what came", () => {
    const registry = withBuiltIns();
    let caught: unknown;
    try {
      registry.parse("optimizer", "adam", { lr: -0.1, betas: [0.9, 1.5], amsgrad: "yes", lrr: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toHaveLength(4);
    expect((caught as Error).message).toMatchInlineSnapshot(`
      "invalid config for optimizer "adam" (4 problems):
        - lr: expected >= 0, got -0.1
        - betas[1]: expected < 1, got 1.5
        - amsgrad: expected boolean, got "yes"
        - lrr: unknown option; did you mean "lr"? (options: amsgrad, betas, lr)"
    `);
  });

  it("describes missing values, enums, lengths and wrong types", () => {
    const registry = createRegistry().use(
      definePlugin({
        name: "p",
        entries: [
          defineEntry({
            kind: "dataset",
            name: "csv",
            description: "",
            schema: z.object({
              path: z.string().min(1),
              column: z.union([z.string(), z.number().int()]),
              split: z.enum(["position", "shuffle"]).default("position"),
              sizes: z.array(z.number()).min(2),
            }),
            create: (c) => c,
          }),
        ],
      }),
    );
    expect(() =>
      registry.parse("dataset", "csv", { path: "", split: "random", sizes: [1] }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config for dataset "csv" (4 problems):
        - path: expected length >= 1, got ""
        - column: expected string or number, got nothing
        - split: expected one of "position", "shuffle", got "random"
        - sizes: expected length >= 2, got an array of 1]
    `);
  });

  it("checks many sections at once, unknown names included", () => {
    const registry = withBuiltIns();
    const problems = registry.check([
      { kind: "cell", name: "lstm", config: { hidden: 0 }, path: "model" },
      { kind: "optimizer", name: "adamw", config: {}, path: "optimizer" },
      { kind: "optimizer", name: "adam", config: { betas: [2, 0.9] }, path: "optimizer" },
    ]);
    expect(problems).toEqual([
      { path: "model.hidden", message: "expected > 0, got 0" },
      {
        path: "optimizer",
        message: 'unknown optimizer "adamw"; did you mean "adam"? registered: adam',
      },
      { path: "optimizer.betas[0]", message: "expected < 1, got 2" },
    ]);
    expect(registry.check([{ kind: "cell", name: "rnn", config: { hidden: 8 } }])).toEqual([]);
  });
});
