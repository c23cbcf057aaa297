import {
  dataPlugin,
  type SequencesDataset,
  type SeriesDataset,
  type TextDataset,
} from "@recurrent/data";
import { createRegistry } from "@recurrent/registry";
import { describe, expect, expectTypeOf, test } from "vitest";
import { datasetsPlugin } from "./plugin.js";

const registry = createRegistry().use(dataPlugin).use(datasetsPlugin);

describe("datasetsPlugin", () => {
  test("adds the real datasets beside dataPlugin's", async () => {
    expect(registry.list("dataset").map((e) => e.name)).toEqual([
      "adding-task",
      "ar-process",
      "copy-task",
      "first-names-en",
      "inline-lines",
      "inline-text",
      "markov-chain",
      "moby-dick",
      "noisy-sine",
      "us-births-1969-1988",
    ]);
    expect(registry.pluginOf("dataset", "moby-dick")).toBe("@recurrent/datasets");
  });

  test("the @stdlib datasets load without any download", async () => {
    const moby = await registry.create("dataset", "moby-dick", {});
    expectTypeOf(moby).toEqualTypeOf<TextDataset>();
    expect(moby.text.length).toBe(1_186_770);
    expect(
      (await registry.create("dataset", "moby-dick", { lowercase: true })).text.startsWith(
        "call me",
      ),
    ).toBe(true);
    const names = await registry.create("dataset", "first-names-en", { which: "female" });
    expectTypeOf(names).toEqualTypeOf<SequencesDataset>();
    expect(names.items.length).toBe(4944);
    const births = await registry.create("dataset", "us-births-1969-1988");
    expectTypeOf(births).toEqualTypeOf<SeriesDataset>();
    expect([births.values.length, births.column, births.index?.[0]]).toEqual([
      7305,
      "births",
      "1969-01-01",
    ]);
  });
});
