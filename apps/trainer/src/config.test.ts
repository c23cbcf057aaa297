import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createTrainerRegistry } from "./builtins.js";
import { resolveConfig, runName } from "./config.js";
import { applyOverrides } from "./config-edit.js";
import { applyFlags } from "./setup.js";

const registry = createTrainerRegistry();

describe("config", () => {
  it("resolves the defaults: an LSTM on Moby Dick, every entry's options filled in", () => {
    const config = resolveConfig({}, registry);
    expect(config.data.dataset).toEqual({
      name: "moby-dick",
      sections: "chapters",
      lowercase: false,
    });
    expect(config.model.cell).toEqual({
      name: "lstm",
      hidden: 128,
      forgetBias: 0,
      bias: true,
      projSize: 0,
    });
    expect(config.optimizer).toMatchObject({ name: "adam", lr: 0.003, eps: 1e-8 });
    expect(config.train).toMatchObject({
      steps: 2000,
      minutes: null,
      bptt: 64,
      statePolicy: "auto",
    });
    expect(config.schedule).toBeNull();
    expect(runName(config)).toBe("lstm-moby-dick");
  });

  it("takes names as strings, and registry sections anywhere (schedules, initializers)", () => {
    const config = resolveConfig(
      {
        model: { cell: "gru", init: { "recurrent.weight_hh*": "orthogonal" } },
        schedule: { name: "cosine-annealing", tMax: 100 },
        loss: "cross-entropy",
      },
      registry,
    );
    expect(config.model.cell).toEqual({ name: "gru", hidden: 128, resetAfter: true, bias: true });
    expect(config.model.init).toEqual({ "recurrent.weight_hh*": { name: "orthogonal", gain: 1 } });
    expect(config.schedule).toEqual({ name: "cosine-annealing", tMax: 100, etaMin: 0 });
    expect(config.loss).toMatchObject({ name: "cross-entropy", labelSmoothing: 0 });
  });

  it("applies overrides as JSON where they parse, strings otherwise", () => {
    const raw = applyOverrides({ model: { cell: "lstm" } }, [
      "train.steps=200",
      "model.cell.hidden=64",
      "eval.horizons=[1,8]",
      "eval.samplePrefix=Call me",
      "train.clip=null",
    ]);
    expect(raw).toEqual({
      model: { cell: { name: "lstm", hidden: 64 } },
      train: { steps: 200, clip: null },
      eval: { horizons: [1, 8], samplePrefix: "Call me" },
    });
  });

  it("maps the specific flags onto the config; --cell keeps hidden, --minutes drops the step budget", () => {
    const raw = applyFlags(
      { model: { cell: { name: "lstm", hidden: 32, forgetBias: 1 } } },
      {
        cell: "gru",
        minutes: "2",
        clip: "none",
        text: "book.txt",
      },
    );
    const config = resolveConfig(raw, registry);
    expect(config.model.cell).toEqual({ name: "gru", hidden: 32, resetAfter: true, bias: true });
    expect(config.train).toMatchObject({ minutes: 2, steps: null, clip: null });
    expect(config.data.dataset).toMatchObject({ name: "text-file", path: "book.txt" });
    expect(() => applyFlags({}, { lr: "fast" })).toThrow('--lr: expected a number, got "fast"');
  });

  it("refuses a run without a budget, and dropout with one layer", () => {
    expect(() =>
      resolveConfig({ train: { steps: null }, model: { dropout: 0.2 } }, registry),
    ).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config (2 problems):
        - model.dropout: applies between stacked layers, so it does nothing with layers = 1; set model.layers >= 2 or dropout 0
        - train: expected a budget: set steps, minutes, or both (whichever ends first)]
    `);
  });

  it.each(
    readdirSync(fileURLToPath(new URL("../configs", import.meta.url))).filter((f) =>
      f.endsWith(".json"),
    ),
  )("the example config %s resolves", (file) => {
    const raw = JSON.parse(readFileSync(new URL(`../configs/${file}`, import.meta.url), "utf8"));
    expect(() => resolveConfig(raw, registry)).not.toThrow();
  });
});
