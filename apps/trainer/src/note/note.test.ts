import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, workspace } from "../testing/fixtures.js";

interface Numbers {
  readonly quick: boolean;
  readonly sections: readonly {
    readonly id: string;
    readonly checks: readonly { claim: string; passed: boolean; detail: string }[];
    readonly numbers: Record<string, unknown>;
  }[];
}

describe("recurrent note --quick", () => {
  it("runs every section in the note's order, and each claim points the way the note says", async () => {
    const cwd = workspace();
    const result = await cli(cwd, "note", "--quick", "--out", "note");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(join(cwd, "note", "note.json"), "utf8")) as Numbers;
    expect(json.quick).toBe(true);
    expect(json.sections.map((s) => s.id)).toEqual([
      "order",
      "window",
      "markov",
      "ladder",
      "truncation",
      "gradients",
      "memory",
      "gru-variants",
    ]);
    const section = (id: string) => json.sections.find((s) => s.id === id)?.numbers ?? {};

    // The note's claims, read from the numbers themselves (not from the checks the command computed).
    const order = section("order") as { orderedLoss: number; shuffledLoss: number };
    expect(order.orderedLoss).toBeLessThan(order.shuffledLoss);
    const markov = section("markov") as { counted: number; fitted: number };
    expect(Math.abs(markov.counted - markov.fitted)).toBeLessThanOrEqual(0.01);
    const memory = section("memory") as {
      delays: number[];
      results: { task: string; cell: string; delay: number; value: number; loss: number }[];
    };
    const longest = Math.max(...memory.delays);
    const copy = (cell: string) =>
      memory.results.find((r) => r.task === "copy" && r.cell === cell && r.delay === longest);
    // At the longest quick delay the LSTM's validation cross-entropy is below the plain RNN's.
    expect(copy("lstm")?.loss).toBeLessThan(copy("rnn")?.loss as number);
    expect(copy("gru")?.loss).toBeLessThan(copy("rnn")?.loss as number);
    const gradients = section("gradients") as {
      variants: {
        nonlinearity: string;
        clip: number | null;
        diverged: number | null;
        initial: number[];
      }[];
    };
    const relu = gradients.variants.filter((v) => v.nonlinearity === "relu");
    expect(relu.find((v) => v.clip === null)?.diverged).not.toBeNull();
    expect(relu.find((v) => v.clip !== null)?.diverged).toBeNull();

    // Every check of every section held, and the page says so.
    const failed = json.sections.flatMap((s) =>
      s.checks.filter((c) => !c.passed).map((c) => `${s.id}: ${c.claim} (${c.detail})`),
    );
    expect(failed).toEqual([]);

    const html = readFileSync(join(cwd, "note", "note.html"), "utf8");
    expect(html.match(/<section id="/g)?.length).toBe(8);
    expect(html.match(/<svg /g)?.length ?? 0).toBeGreaterThanOrEqual(8);
    expect(html).not.toMatch(/<script|<link|src="http|href="http|url\(/);
  }, 1_200_000);
});
