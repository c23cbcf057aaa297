import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli, workspace } from "./testing/fixtures.js";

const examplePackage = fileURLToPath(new URL("../../../examples/peephole-lstm", import.meta.url));

describe("compare", { timeout: 60_000 }, () => {
  it("trains the ladder and plugin cells on one task under one budget, with the counted Markov floor", async () => {
    const cwd = workspace();
    const result = await cli(
      cwd,
      "compare",
      "tiny.json",
      "--steps",
      "3",
      "--plugin",
      examplePackage,
      "--out",
      "ladder",
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      "comparing ar, markov, latent-ar, rnn, lstm, gru, example/peephole-lstm on text-file, 3 steps each",
    );
    const table = result.out.slice(result.out.indexOf("validation after"));
    expect(table).toMatch(
      /model\s+params\s+nats\/char\s+bits\/char\s+perplexity\s+wall\s+tok\/s\s+steps/,
    );
    for (const model of [
      "markov (counted)",
      "ar",
      "markov",
      "latent-ar",
      "rnn",
      "lstm",
      "gru",
      "example/peephole-lstm",
    ]) {
      expect(table).toMatch(
        new RegExp(`\\n${model.replace(/[()/]/g, "\\$&")}\\s+[\\d,]+\\s+\\d+\\.\\d{4}`),
      );
    }
    const results = JSON.parse(readFileSync(join(cwd, "ladder", "results.json"), "utf8"));
    expect(results.rows).toHaveLength(8);
    const counted = results.rows.find((r: { model: string }) => r.model === "markov (counted)");
    const learned = results.rows.find((r: { model: string }) => r.model === "markov");
    // Three steps of gradient descent are nowhere near the counted table.
    expect(counted.metrics.loss).toBeLessThan(learned.metrics.loss);
    expect(existsSync(join(cwd, "ladder", "lstm", "report.html"))).toBe(true);
    expect(existsSync(join(cwd, "ladder", "example_peephole-lstm", "checkpoints"))).toBe(true);
  });
});
