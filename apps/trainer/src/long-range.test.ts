import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, workspace, writeJson } from "./testing/fixtures.js";

const copyConfig = (delay: number, steps: number, truncate: number | null = null) => ({
  data: { dataset: { name: "copy-task", length: 1, delay, symbols: 4, seed: 3 } },
  model: { cell: { name: "lstm", hidden: 24 }, embeddingSize: 8 },
  optimizer: { name: "adam", lr: 0.03 },
  train: { steps, batchSize: 32, truncate, evalEvery: 1000, checkpointEvery: 1000 },
});

describe("long-range tasks from the CLI", () => {
  it("trains the copy task and reports accuracy on the recalled symbols against chance", async () => {
    const cwd = workspace();
    writeJson(cwd, "copy.json", copyConfig(3, 150));
    const before = await cli(cwd, "train", "copy.json", "--steps", "1", "--out", "untrained");
    expect(before.err).toBe("");
    expect(before.code).toBe(0);
    const trained = await cli(cwd, "train", "copy.json", "--out", "copy");
    expect(trained.err).toBe("");
    expect(trained.out).toContain("chance 25.0%");
    const evaluated = await cli(cwd, "eval", "copy", "--json");
    const metrics = JSON.parse(evaluated.out) as Record<string, number>;
    const untrained = JSON.parse((await cli(cwd, "eval", "untrained", "--json")).out) as Record<
      string,
      number
    >;
    // Four symbols: guessing gets a quarter; a model that remembers gets nearly all of them.
    expect(untrained.accuracy).toBeLessThan(0.45);
    expect(metrics.accuracy).toBeGreaterThan(0.9);
    // The memoryless baseline, per step: ln 4 · 1 recalled step / (3 + 2) steps.
    expect(metrics.baseline).toBeCloseTo(Math.log(4) / 5, 6);
    expect(metrics.loss).toBeLessThan(metrics.baseline as number);
    expect(metrics.examples).toBe(512);
  }, 120_000);

  it("train.truncate cuts the gradient inside an example; a cut as long as the example cuts nothing", async () => {
    const cwd = workspace();
    const loss: Record<string, number> = {};
    for (const [name, truncate] of [
      ["full", null],
      ["long", 50],
      ["cut", 2],
    ] as const) {
      writeJson(cwd, `${name}.json`, copyConfig(6, 20, truncate));
      const result = await cli(cwd, "train", `${name}.json`, "--out", name);
      expect(result.err).toBe("");
      const metrics = JSON.parse((await cli(cwd, "eval", name, "--json")).out) as Record<
        string,
        number
      >;
      loss[name] = metrics.loss as number;
    }
    expect(loss.long).toBe(loss.full);
    expect(loss.cut).not.toBe(loss.full);
    const bad = await cli(cwd, "train", "full.json", "--set", "train.truncate=0", "--out", "bad");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain("train.truncate");
  }, 120_000);

  it("trains the adding problem on the answer at the last step and reports mse against 1/6", async () => {
    const cwd = workspace();
    writeJson(cwd, "adding.json", {
      data: { dataset: { name: "adding-task", length: 4, seed: 1 } },
      model: { cell: { name: "gru", hidden: 24 } },
      optimizer: { name: "adam", lr: 0.02 },
      train: { steps: 250, batchSize: 64, evalEvery: 1000, checkpointEvery: 1000 },
    });
    const result = await cli(cwd, "train", "adding.json", "--out", "adding");
    expect(result.err).toBe("");
    expect(result.out).toContain("baseline 0.1667");
    const metrics = JSON.parse((await cli(cwd, "eval", "adding", "--json")).out) as Record<
      string,
      number
    >;
    expect(metrics.baseline).toBeCloseTo(1 / 6, 10);
    expect(metrics.mse).toBeLessThan(0.05);
    const lines = readFileSync(join(cwd, "adding", "metrics.jsonl"), "utf8")
      .trim()
      .split("\n");
    // One counted target per example: the answer at the last step.
    const first = JSON.parse(lines[0] as string) as { tokens: number };
    expect(first.tokens).toBe(64);
  }, 120_000);

  it("refuses to generate text from a copy-task run, naming the task", async () => {
    const cwd = workspace();
    writeJson(cwd, "copy.json", copyConfig(2, 2));
    await cli(cwd, "train", "copy.json", "--out", "copy");
    const result = await cli(cwd, "generate", "copy");
    expect(result.code).not.toBe(0);
    expect(result.err).toBe(
      "error: generate: this run learns copy-task, a long-range task, not a language model; use `recurrent eval copy`\n",
    );
  }, 60_000);
});
