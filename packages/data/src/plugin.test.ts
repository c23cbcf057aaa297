import { ConfigError, createRegistry } from "@recurrent/registry";
import { describe, expect, expectTypeOf, test } from "vitest";
import type { SeriesDataset, TaskDataset, TokensDataset } from "./dataset.js";
import { dataPlugin } from "./plugin.js";
import { noisySine } from "./synthetic/noisy-sine.js";
import type { Tokenizer } from "./tokenizer.js";

const registry = createRegistry().use(dataPlugin);

describe("dataPlugin", () => {
  test("registers the synthetic datasets and the tokenizers, each described", async () => {
    expect(registry.list("dataset").map((e) => e.name)).toEqual([
      "adding-task",
      "ar-process",
      "copy-task",
      "inline-lines",
      "inline-text",
      "markov-chain",
      "noisy-sine",
    ]);
    expect(registry.list("tokenizer").map((e) => e.name)).toEqual(["char", "word"]);
    for (const entry of [...registry.list("dataset"), ...registry.list("tokenizer")]) {
      expect(entry.description.length).toBeGreaterThan(10);
      if (entry.name.startsWith("inline-")) continue; // their data is the one required option
      expect(() => registry.parse(entry.kind, entry.name, {})).not.toThrow(); // every option has a default
    }
  });

  test("datasets are created from configs with defaults, typed", async () => {
    const sine = await registry.create("dataset", "noisy-sine", { seed: 3 });
    expectTypeOf(sine).toMatchTypeOf<SeriesDataset<{ signal: Float64Array; noiseStd: number }>>();
    expect(sine.values).toEqual(noisySine({ seed: 3 }));
    expect(sine.truth.noiseStd).toBe(0.2);
    const chain: TokensDataset<{ transition: number[][] }> = await registry.create(
      "dataset",
      "markov-chain",
      { length: 50 },
    );
    expect(chain.tokens.length).toBe(50);
    expect(chain.vocabularySize).toBe(3);
    const copy: TaskDataset = await registry.create("dataset", "copy-task", { delay: 10 });
    expect(copy.info.baselineLoss).toBeCloseTo((10 * Math.log(8)) / 30, 12);
    expect(copy.batches({ batchSize: 2 }).nextBatch().inputs.shape).toEqual([30, 2]);
    const ar = await registry.create("dataset", "ar-process", {});
    expect(ar.truth.coefficients).toEqual([0.6, -0.2]);
    const adding = await registry.create("dataset", "adding-task", { length: 8 });
    expect(adding.batches({ batchSize: 4, batchFirst: true }).nextBatch().inputs.shape).toEqual([
      4, 8, 2,
    ]);
  });

  test("inline datasets carry their data in the config, and require it", async () => {
    const text = await registry.create("dataset", "inline-text", { text: "Call me Ishmael." });
    expect([text.type, text.text, text.description]).toEqual([
      "text",
      "Call me Ishmael.",
      "inline text",
    ]);
    const lines = await registry.create("dataset", "inline-lines", { items: ["Ada", "Alan"] });
    expect([lines.type, lines.items]).toEqual(["sequences", ["Ada", "Alan"]]);
    const missing: unknown = {}; // what a config without the text gives (typed: the text is required)
    expect(() => registry.parse("dataset", "inline-text", missing as { text: string })).toThrow(
      ConfigError,
    );
    expect(() => registry.parse("dataset", "inline-lines", { items: [] })).toThrow(ConfigError);
  });

  test("tokenizer entries fit on a corpus and load from JSON", async () => {
    const recipe = registry.create("tokenizer", "word", { minFrequency: 2 });
    const tokenizer = recipe.fit(["a b a", "b c"]);
    expectTypeOf(tokenizer).toEqualTypeOf<Tokenizer>();
    expect(tokenizer.vocabulary.toArray().slice(4)).toEqual(["a", "b"]);
    expect(recipe.fromJSON(tokenizer.toJSON()).vocabulary.toArray()).toEqual(
      tokenizer.vocabulary.toArray(),
    );
    const chars = registry.create("tokenizer", "char", { lowercase: true, strict: true }).fit("Ab");
    expect(() => chars.encode("c")).toThrow(/strict mode/);
  });

  test("a bad config lists every problem before anything is generated", () => {
    expect(() =>
      // @ts-expect-error noiseStd must be a number
      registry.create("dataset", "noisy-sine", { length: 0, noiseStd: "high" }),
    ).toThrow(ConfigError);
    expect(() =>
      registry.create("dataset", "noisy-sine", { length: 0, noiseStd: -1 }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config for dataset "noisy-sine" (2 problems):
        - length: expected >= 1, got 0
        - noiseStd: expected >= 0, got -1]
    `);
  });
});
