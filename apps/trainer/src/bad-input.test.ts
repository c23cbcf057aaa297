/**
 * Bad input fails before any training, with a clear message and a non-zero
 * exit code, and never damages an existing run.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tinyText, workspace, writeJson } from "./testing/fixtures.js";

describe("bad input", () => {
  let cwd: string;
  let checkpoint: string;
  let checkpointBytes: Buffer;
  let metricsText: string;

  beforeAll(async () => {
    cwd = workspace();
    const trained = await cli(cwd, "train", "tiny.json", "--out", "good", "--steps", "2");
    expect(trained.code).toBe(0);
    checkpoint = join(cwd, "good", "checkpoints", "step-000002.safetensors");
    checkpointBytes = readFileSync(checkpoint);
    metricsText = readFileSync(join(cwd, "good", "metrics.jsonl"), "utf8");
  });

  const untouched = () => {
    expect(readFileSync(checkpoint).equals(checkpointBytes)).toBe(true);
    expect(readFileSync(join(cwd, "good", "metrics.jsonl"), "utf8")).toBe(metricsText);
    expect(readdirSync(join(cwd, "good", "checkpoints"))).toEqual(["step-000002.safetensors"]);
  };

  it("an unknown name: the closest name and everything registered", async () => {
    const result = await cli(cwd, "train", "tiny.json", "--cell", "lstn", "--out", "never");
    expect(result.code).toBe(1);
    expect(result.err).toContain('model.cell: unknown cell "lstn"; did you mean "lstm"?');
    expect(result.err).toContain("registered: ar, gru, latent-ar, lstm, markov, rnn");
    expect(existsSync(join(cwd, "never"))).toBe(false);
  });

  it("a bad config: every problem at once, trainer sections and registry entries alike", async () => {
    writeJson(cwd, "bad.json", {
      ...tinyText(),
      model: { cell: { name: "lstm", hiden: 8 }, layers: 0 },
      optimizer: { name: "adam", lr: -1 },
      schedule: { name: "cosine-annealing" },
      train: { stpes: 3, batchSize: 0, batching: "random", statePolicy: "carry" },
      eval: { temperature: "hot" },
    });
    const result = await cli(cwd, "train", "bad.json", "--out", "never");
    expect(result.code).toBe(1);
    expect(result.err).toMatchInlineSnapshot(`
      "error: invalid config (8 problems):
        - model.layers: expected >= 1, got 0
        - model.cell.hiden: unknown option; did you mean "hidden"? (options: bias, forgetBias, hidden, projSize)
        - optimizer.lr: expected >= 0, got -1
        - schedule.tMax: expected number, got nothing
        - train.batchSize: expected >= 1, got 0
        - train.stpes: unknown option; did you mean "steps"? (options: batchSize, batching, bptt, checkpointEvery, clip, evalEvery, keepCheckpoints, minutes, seed, statePolicy, steps, threads, truncate)
        - train.statePolicy: expected "auto" or "reset" with random batches: their rows do not continue one another, so a carried state would leak between unrelated chunks
        - eval.temperature: expected number, got "hot"
      "
    `);
    expect(existsSync(join(cwd, "never"))).toBe(false);
  });

  it("fields that must agree: state policy against batching, split sums", async () => {
    writeJson(cwd, "policy.json", {
      ...tinyText(),
      data: {
        dataset: { name: "text-file", path: "tiny.txt" },
        split: { train: 0.8, validation: 0.3, test: 0.1 },
      },
      train: { steps: 2, batching: "random", statePolicy: "carry" },
    });
    const result = await cli(cwd, "train", "policy.json", "--out", "never");
    expect(result.code).toBe(1);
    expect(result.err).toContain("data.split: expected train + validation + test = 1, got 1.2");
    expect(result.err).toContain(
      'train.statePolicy: expected "auto" or "reset" with random batches',
    );
  });

  it("a missing config file, data file, plugin or run", async () => {
    const config = await cli(cwd, "train", "nowhere.json");
    expect(config.code).toBe(1);
    expect(config.err).toContain('config file "nowhere.json": no such file');
    const data = await cli(cwd, "train", "tiny.json", "--text", "missing.txt", "--out", "never");
    expect(data.code).toBe(1);
    expect(data.err).toMatch(/readTextFile: expected a readable file at .*missing\.txt/);
    const plugin = await cli(cwd, "train", "tiny.json", "--plugin", "./no-plugin.js");
    expect(plugin.code).toBe(1);
    expect(plugin.err).toMatch(/plugin ".*no-plugin\.js": no such file or directory/);
    const runDir = await cli(cwd, "resume", "no-run");
    expect(runDir.code).toBe(1);
    expect(runDir.err).toContain("no-run: no such run directory or checkpoint file");
    expect(existsSync(join(cwd, "never"))).toBe(false);
  });

  it("data too short for the batch", async () => {
    const result = await cli(
      cwd,
      "train",
      "tiny.json",
      "--batch-size",
      "64",
      "--bptt",
      "512",
      "--out",
      "never",
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('data: the training split of "text-file"');
    expect(result.err).toContain(
      "expected at least batchSize × numSteps + 1 = 64 × 512 + 1 = 32769 items",
    );
    expect(existsSync(join(cwd, "never"))).toBe(false);
  });

  it("a checkpoint that does not match the model: every mismatch, nothing written", async () => {
    // resume refuses a model change up front, naming the field and both values
    const resume = await cli(cwd, "resume", "good", "--steps", "4", "--hidden", "16");
    expect(resume.code).toBe(2);
    expect(resume.err).toContain("resume cannot apply this change");
    expect(resume.err).toContain("model.cell.hidden (12 → 16)");
    untouched();
    const evaluated = await cli(cwd, "eval", "good", "--cell", "gru");
    expect(evaluated.code).toBe(1);
    expect(evaluated.err).toContain(
      'size mismatch for "recurrent.weight_ih_l0": expected [36,8], got [48,8]',
    );
    untouched();
  });

  it("an existing run is never overwritten by a new one", async () => {
    const result = await cli(cwd, "train", "tiny.json", "--out", "good");
    expect(result.code).toBe(1);
    expect(result.err).toContain("already holds a run; continue it with `recurrent resume");
    untouched();
  });

  it("a usage error: exit code 2", async () => {
    const result = await cli(cwd, "train", "--steps");
    expect(result.code).toBe(2);
    expect(result.err).toContain("option '--steps <n>' argument missing");
    const set = await cli(cwd, "train", "tiny.json", "--set", "train.steps");
    expect(set.code).toBe(2);
    expect(set.err).toContain("expected path=value");
  });
});
