import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Checkpoint } from "@recurrent/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { readJsonLines } from "./files.js";
import { cli, tinyText, workspace, writeJson } from "./testing/fixtures.js";

type Row = Record<string, unknown> & { type: string; step: number };

const metricsOf = (dir: string) =>
  readJsonLines<Row>(readFileSync(join(dir, "metrics.jsonl"), "utf8")).map(
    ({ elapsed: _e, tokensPerSecond: _t, ...rest }) => rest,
  );

const checkpointAt = (dir: string, step: number) =>
  Checkpoint.fromBytes(
    new Uint8Array(
      readFileSync(join(dir, "checkpoints", `step-${String(step).padStart(6, "0")}.safetensors`)),
    ),
  );

describe("train, resume, eval, generate on a tiny text", () => {
  let cwd: string;
  let trained: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    cwd = workspace();
    trained = await cli(cwd, "train", "tiny.json", "--out", "straight");
  });

  it("trains, printing a summary per evaluation and a sample, and fills the run directory", () => {
    expect(trained.err).toBe("");
    expect(trained.code).toBe(0);
    expect(trained.out).toMatch(
      /step 4 · validation \d\.\d+ nats\/char · \d\.\d+ bits\/char · perplexity/,
    );
    expect(trained.out).toContain("│ "); // a sample
    expect(trained.out).toMatch(/done: 8 steps in/);
    for (const file of ["config.json", "metrics.jsonl", "report.html", "gradflow.json"]) {
      expect(existsSync(join(cwd, "straight", file)), file).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(cwd, "straight", "config.json"), "utf8"));
    // Resolved: every entry's defaults are filled in.
    expect(config.config.optimizer).toMatchObject({ name: "adam", lr: 0.01, betas: [0.9, 0.999] });
    expect(config.config.model.cell).toEqual({
      name: "lstm",
      hidden: 12,
      forgetBias: 0,
      bias: true,
      projSize: 0,
    });
    const rows = metricsOf(join(cwd, "straight"));
    expect(rows.filter((r) => r.type === "train").map((r) => r.step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(rows.filter((r) => r.type === "eval").map((r) => r.step)).toEqual([4, 8]);
    expect(rows.find((r) => r.type === "eval")).toMatchObject({ split: "validation" });
    expect(rows.some((r) => r.type === "sample")).toBe(true);
  });

  it("checkpoints hold PyTorch-named weights, optimizer, RNG, data position and progress", () => {
    const checkpoint = checkpointAt(join(cwd, "straight"), 8);
    expect(checkpoint.sections()).toEqual(
      expect.arrayContaining(["config", "model", "optimizer", "state", "data", "rng", "trainer"]),
    );
    expect(Object.keys(checkpoint.tensors("model")).sort()).toEqual([
      "embedding.weight",
      "head.bias",
      "head.weight",
      "recurrent.bias_hh_l0",
      "recurrent.bias_ih_l0",
      "recurrent.weight_hh_l0",
      "recurrent.weight_ih_l0",
    ]);
    expect(checkpoint.tensors("model")["recurrent.weight_ih_l0"]?.shape).toEqual([48, 8]);
    expect(checkpoint.json("trainer")).toMatchObject({ step: 8 });
    expect(checkpoint.json("data")).toMatchObject({ position: { epoch: expect.any(Number) } });
    // The carried state (sequential batches) goes with it: [layers, batch, hidden].
    expect(checkpoint.tensors("state").h?.shape).toEqual([1, 4, 12]);
    expect(existsSync(join(cwd, "straight", "checkpoints", "step-000004.safetensors"))).toBe(true);
  });

  it("resumes to exactly the uninterrupted run: same metrics, same weights", async () => {
    const half = await cli(cwd, "train", "tiny.json", "--out", "split", "--steps", "4");
    expect(half.code).toBe(0);
    const resumed = await cli(cwd, "resume", "split", "--steps", "8");
    expect(resumed.err).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("resuming split at step 4");
    expect(metricsOf(join(cwd, "split"))).toEqual(metricsOf(join(cwd, "straight")));
    const a = checkpointAt(join(cwd, "straight"), 8);
    const b = checkpointAt(join(cwd, "split"), 8);
    for (const section of ["model", "optimizer", "state"]) {
      const ta = a.tensors(section);
      const tb = b.tensors(section);
      expect(Object.keys(tb).sort()).toEqual(Object.keys(ta).sort());
      for (const [name, t] of Object.entries(ta)) {
        expect([...(tb[name]?.data() ?? [])], `${section}.${name}`).toEqual([...t.data()]);
      }
    }
    expect(b.json("data")).toEqual(a.json("data"));
    const nothing = await cli(cwd, "resume", "split");
    expect(nothing.out).toContain("nothing to do");
  });

  it("resumes exactly with dropout between stacked layers too (its generator is in the checkpoint)", async () => {
    const flags = ["--layers", "2", "--set", "model.dropout=0.3", "--hidden", "6"];
    const straight = await cli(
      cwd,
      "train",
      "tiny.json",
      "--out",
      "drop-straight",
      "--steps",
      "6",
      ...flags,
    );
    expect(straight.err).toBe("");
    await cli(cwd, "train", "tiny.json", "--out", "drop-split", "--steps", "3", ...flags);
    const resumed = await cli(cwd, "resume", "drop-split", "--steps", "6");
    expect(resumed.err).toBe("");
    expect(metricsOf(join(cwd, "drop-split"))).toEqual(metricsOf(join(cwd, "drop-straight")));
    const a = checkpointAt(join(cwd, "drop-straight"), 6).tensors("model");
    const b = checkpointAt(join(cwd, "drop-split"), 6).tensors("model");
    for (const [name, t] of Object.entries(a))
      expect([...(b[name]?.data() ?? [])], name).toEqual([...t.data()]);
  });

  it("evaluates a run on the test split", async () => {
    const result = await cli(cwd, "eval", "straight", "--split", "test", "--json");
    expect(result.code).toBe(0);
    const metrics = JSON.parse(result.out);
    expect(metrics).toMatchObject({ step: 8, split: "test" });
    expect(metrics.bits).toBeCloseTo(metrics.loss / Math.LN2, 10);
    expect(metrics.perplexity).toBeCloseTo(Math.exp(metrics.loss), 6);
  });

  it("generates from a prefix: greedy is deterministic, sampling follows its seed", async () => {
    const greedy = await cli(
      cwd,
      "generate",
      "straight",
      "--prefix",
      "the wh",
      "--length",
      "15",
      "--greedy",
    );
    expect(greedy.code).toBe(0);
    expect(greedy.out.startsWith("the wh")).toBe(true);
    expect(greedy.out.replace(/\n$/, "")).toHaveLength(21); // the prefix and 15 characters
    const again = await cli(
      cwd,
      "generate",
      "straight",
      "--prefix",
      "the wh",
      "--length",
      "15",
      "--greedy",
    );
    expect(again.out).toBe(greedy.out);
    const sampled = (seed: string) =>
      cli(
        cwd,
        "generate",
        "straight",
        "--length",
        "30",
        "--top-k",
        "3",
        "--temperature",
        "1.5",
        "--seed",
        seed,
      );
    const [one, two] = [await sampled("1"), await sampled("1")];
    expect(one.out).toBe(two.out);
    expect(one.out.trim().length).toBeGreaterThan(0);
  });

  it("stops cleanly on Ctrl-C with a checkpoint, and resumes from it", async () => {
    writeJson(
      cwd,
      "long.json",
      tinyText({
        train: { steps: 1000, batchSize: 4, bptt: 12, evalEvery: 1000, checkpointEvery: 1000 },
      }),
    );
    const { memoryIo } = await import("./io.js");
    const { run } = await import("./cli.js");
    const io = memoryIo(cwd);
    const running = run(["train", "long.json", "--out", "interrupted"], io);
    // Interrupt once a few steps are on disk.
    for (let i = 0; i < 400; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const path = join(cwd, "interrupted", "metrics.jsonl");
      if (existsSync(path) && readFileSync(path, "utf8").split("\n").length > 3) break;
    }
    io.interrupt();
    expect(await running).toBe(130);
    expect(io.out()).toContain("interrupted at step");
    const steps = metricsOf(join(cwd, "interrupted")).filter((r) => r.type === "train").length;
    expect(
      existsSync(
        join(
          cwd,
          "interrupted",
          "checkpoints",
          `step-${String(steps).padStart(6, "0")}.safetensors`,
        ),
      ),
    ).toBe(true);
    const resumed = await cli(cwd, "resume", "interrupted", "--steps", String(steps + 2));
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`at step ${steps}`);
  });
});

describe("the main job's frame", () => {
  it("shows a sample before and after training and ends with where things are and what to try", async () => {
    const { trainCommand } = await import("./command-train.js");
    const { memoryIo } = await import("./io.js");
    const cwd = workspace();
    const io = memoryIo(cwd);
    const code = await trainCommand("tiny.json", { out: "showcase" }, io, {
      showcase: true,
      commandName: "node apps/trainer/dist/main.js",
    });
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toContain("sample before training (random weights):");
    expect(out).toContain("sample after training:");
    expect(out).toContain("run directory: showcase");
    expect(out).toContain("report      showcase/report.html");
    expect(out).toMatch(
      /what next:\n {2}write more text +node apps\/trainer\/dist\/main\.js generate showcase/,
    );
    expect(out).toMatch(
      /your own text +node apps\/trainer\/dist\/main\.js train --text my-book\.txt/,
    );
  });
});
