import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getBackend } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { readJsonLines } from "./files.js";
import { cli, tinyText, workspace, writeJson } from "./testing/fixtures.js";

type Row = Record<string, unknown> & { type: string };

/** The losses and metrics of a run, without the timings. */
const resultsOf = (dir: string) =>
  readJsonLines<Row>(readFileSync(join(dir, "metrics.jsonl"), "utf8"))
    .filter((r) => r.type === "train" || r.type === "eval")
    .map(({ elapsed: _e, tokensPerSecond: _t, ...rest }) => rest);

describe("train.threads", () => {
  it("rejects a count that is not a positive integer or auto, before training", async () => {
    const cwd = workspace();
    for (const bad of ["0", "1.5", "many"]) {
      const run = await cli(cwd, "train", "tiny.json", "--threads", bad, "--out", `bad-${bad}`);
      expect(run.code, bad).not.toBe(0);
      expect(run.err, bad).toMatch(/threads/);
    }
  });

  it("trains to the same numbers on two threads as on one", async () => {
    const cwd = workspace();
    // Big enough that recurrences and weight gradients are split over the threads.
    const config = tinyText({
      model: { cell: { name: "lstm", hidden: 128 }, embeddingSize: 16 },
      train: { steps: 6, batchSize: 8, bptt: 32, evalEvery: 3, checkpointEvery: 3 },
    });
    writeJson(cwd, "wide.json", config);
    const one = await cli(cwd, "train", "wide.json", "--out", "one");
    expect(one.err).toBe("");
    expect(getBackend().name).toBe("wasm");
    const two = await cli(cwd, "train", "wide.json", "--threads", "2", "--out", "two");
    expect(two.err).toBe("");
    expect(two.out).toContain("· 2 threads");
    expect(getBackend().name).toBe("wasm-threads");
    const results = resultsOf(join(cwd, "one"));
    expect(results.length).toBeGreaterThan(6);
    expect(resultsOf(join(cwd, "two"))).toEqual(results);
  }, 60_000); // two short trainings: seconds alone, longer on a shared machine
});
