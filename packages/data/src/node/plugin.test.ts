import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegistry } from "@recurrent/registry";
import { afterAll, describe, expect, test } from "vitest";
import { dataPlugin } from "../plugin.js";
import { nodeDataPlugin } from "./plugin.js";

const registry = createRegistry().use(dataPlugin).use(nodeDataPlugin);
const dir = mkdtempSync(join(tmpdir(), "recurrent-data-plugin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("nodeDataPlugin", () => {
  test("adds the file sources beside dataPlugin's", () => {
    expect(registry.list("dataset").map((e) => e.name)).toEqual([
      "adding-task",
      "ar-process",
      "copy-task",
      "csv-column",
      "inline-lines",
      "inline-text",
      "lines-file",
      "markov-chain",
      "noisy-sine",
      "text-file",
    ]);
    expect(registry.pluginOf("dataset", "text-file")).toBe("@recurrent/data/node");
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
