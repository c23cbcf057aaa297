/**
 * The other tasks end to end: forecasting a series (scaled for training,
 * reported and forecast in its own units) and language modelling on
 * independent sequences (padded, masked, state reset, generation ending at
 * <eos>).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readJsonLines } from "./files.js";
import { cli, workspace, writeJson } from "./testing/fixtures.js";

describe("forecasting a series", () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = workspace();
    writeJson(cwd, "series.json", {
      data: {
        dataset: { name: "csv-column", path: "series.csv", column: "value" },
        split: { train: 0.7, validation: 0.15, test: 0.15 },
      },
      model: { cell: { name: "gru", hidden: 8 } },
      optimizer: { name: "adam", lr: 0.01 },
      train: { steps: 6, batchSize: 4, bptt: 16, evalEvery: 3, checkpointEvery: 6 },
      eval: { horizons: [1, 4, 8], seasonalPeriod: 7 },
    });
  });

  it("trains on scaled values and reports MSE, MAE, k-step errors and baselines in original units", async () => {
    const result = await cli(cwd, "train", "series.json", "--out", "gru-series");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("scaler standard");
    expect(result.out).toMatch(
      /validation mse [\d.e+-]+ · mae [\d.e+-]+ · k-step mse @1 .* @4 .* @8 /,
    );
    expect(result.out).toContain("seasonal-naive mae");
    const evals = readJsonLines<Record<string, number>>(
      readFileSync(join(cwd, "gru-series", "metrics.jsonl"), "utf8"),
    ).filter((r) => (r as unknown as { type: string }).type === "eval");
    const last = evals[evals.length - 1] as Record<string, number>;
    for (const key of [
      "loss",
      "mse",
      "mae",
      "mse@1",
      "mse@4",
      "mse@8",
      "naive_mae",
      "seasonal_naive_mae",
    ]) {
      expect(Number.isFinite(last[key]), key).toBe(true);
    }
    // Original units: the series moves by up to ~10 a step, far above the scaled loss.
    expect(last.naive_mae).toBeGreaterThan(1);
  });

  it("forecasts ahead with the scaler inverted, beside the actual values when known", async () => {
    const result = await cli(
      cwd,
      "forecast",
      "gru-series",
      "--at",
      "300",
      "--horizon",
      "5",
      "--json",
    );
    expect(result.err).toBe("");
    const forecast = JSON.parse(result.out) as {
      rows: { forecast: number; actual: number | null }[];
    };
    expect(forecast.rows).toHaveLength(5);
    for (const row of forecast.rows) {
      expect(row.forecast).toBeGreaterThan(60); // the series lives around 100, not around 0
      expect(row.forecast).toBeLessThan(140);
      expect(row.actual).not.toBeNull();
    }
    const table = await cli(cwd, "forecast", "gru-series", "--horizon", "3");
    expect(table.out).toMatch(/forecast of csv-column \(.*value.*\): 3 steps after position 400/);
    expect(table.out).toMatch(/t\+3\s+\d+\.\d{3}/);
  });

  it("compares cells against the naive and seasonal-naive baselines", async () => {
    const result = await cli(
      cwd,
      "compare",
      "series.json",
      "--cells",
      "ar,gru",
      "--steps",
      "2",
      "--split",
      "test",
      "--out",
      "cmp",
    );
    expect(result.err).toBe("");
    expect(result.out).toContain("test after 2 steps each");
    expect(result.out).toMatch(/\nnaive \(x_\{t−1\}\)\s+0\s+–\s+\d+\.\d{4}/);
    expect(result.out).toMatch(/\nseasonal naive \(x_\{t−7\}\)\s+0\s+–\s+\d+\.\d{4}/);
  });

  it("generate refuses a forecasting run, naming the right command", async () => {
    const result = await cli(cwd, "generate", "gru-series");
    expect(result.code).toBe(2);
    expect(result.err).toContain("use `recurrent forecast gru-series`");
  });
});

describe("language modelling on independent sequences", () => {
  it("trains on padded, masked names and generates names that end at <eos>", async () => {
    const cwd = workspace();
    writeJson(cwd, "names.json", {
      data: {
        dataset: { name: "lines-file", path: "names.txt" },
        split: { train: 0.6, validation: 0.2, test: 0.2 },
      },
      model: { cell: { name: "rnn", hidden: 8 }, embeddingSize: 4 },
      train: { steps: 4, batchSize: 4, evalEvery: 4, checkpointEvery: 4 },
      eval: { samples: 3, sampleLength: 12 },
    });
    const result = await cli(cwd, "train", "names.json", "--out", "names");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("sequences (train/validation/test)");
    const checkpoint = readFileSync(join(cwd, "names", "checkpoints", "step-000004.safetensors"));
    expect(checkpoint.length).toBeGreaterThan(0);
    const generated = await cli(
      cwd,
      "generate",
      "names",
      "--count",
      "3",
      "--length",
      "12",
      "--json",
    );
    const texts = generated.out
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { text: string }).text);
    expect(texts).toHaveLength(3);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(12);
    // The sequences' state policy is "reset": asking to carry state is refused before training.
    const carry = await cli(
      cwd,
      "train",
      "names.json",
      "--out",
      "never",
      "--set",
      "train.statePolicy=carry",
    );
    expect(carry.code).toBe(1);
    expect(carry.err).toContain(
      'gives batches with state policy "reset", but the config asks for "carry"',
    );
  });
});
