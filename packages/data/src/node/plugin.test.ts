import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistry } from "@recurrent/registry";
import { afterAll, describe, expect, expectTypeOf, test } from "vitest";
import type { SequencesDataset, SeriesDataset, TextDataset } from "../dataset.js";
import { dataPlugin } from "../plugin.js";
import { nodeDataPlugin } from "./plugin.js";

const registry = createRegistry().use(dataPlugin).use(nodeDataPlugin);
const dir = mkdtempSync(join(tmpdir(), "recurrent-data-plugin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("nodeDataPlugin", () => {
  test("adds the real datasets and the file sources beside dataPlugin's", () => {
    expect(registry.list("dataset").map((e) => e.name)).toEqual([
      "adding-task",
      "ar-process",
      "copy-task",
      "csv-column",
      "first-names-en",
      "lines-file",
      "markov-chain",
      "moby-dick",
      "noisy-sine",
      "text-file",
      "us-births-1969-1988",
    ]);
    expect(registry.pluginOf("dataset", "moby-dick")).toBe("@recurrent/data/node");
  });

  test("the @stdlib datasets load synchronously", () => {
    const moby = registry.create("dataset", "moby-dick", {});
    expectTypeOf(moby).toEqualTypeOf<TextDataset>();
    expect(moby.text.length).toBe(1_186_770);
    expect(
      registry.create("dataset", "moby-dick", { lowercase: true }).text.startsWith("call me"),
    ).toBe(true);
    const names = registry.create("dataset", "first-names-en", { which: "female" });
    expectTypeOf(names).toEqualTypeOf<SequencesDataset>();
    expect(names.items.length).toBe(4944);
    const births = registry.create("dataset", "us-births-1969-1988");
    expectTypeOf(births).toEqualTypeOf<SeriesDataset>();
    expect([births.values.length, births.column, births.index?.[0]]).toEqual([
      7305,
      "births",
      "1969-01-01",
    ]);
  });

  test("file datasets are read asynchronously from a config", async () => {
    const csv = join(dir, "prices.csv");
    writeFileSync(csv, "day;close\n1;10.5\n2;11\n");
    const series = await registry.create("dataset", "csv-column", {
      path: csv,
      column: "close",
      delimiter: ";",
    });
    expect(Array.from(series.values)).toEqual([10.5, 11]);
    const text = join(dir, "t.txt");
    writeFileSync(text, "hello\nworld\n");
    expect((await registry.create("dataset", "text-file", { path: text })).text).toBe(
      "hello\nworld\n",
    );
    expect((await registry.create("dataset", "lines-file", { path: text })).items).toEqual([
      "hello",
      "world",
    ]);
  });

  test("a missing path is a config problem before any file is touched", () => {
    expect(() =>
      // @ts-expect-error path is required
      registry.create("dataset", "text-file", {}),
    ).toThrow(
      /invalid config for dataset "text-file" \(1 problem\):\n {2}- path: expected string, got nothing$/,
    );
  });
});
