import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { logBounds, sparkline } from "./gradient-flow.js";
import { cli, workspace } from "./testing/fixtures.js";

describe("sparkline", () => {
  it("draws log magnitudes on a shared scale, a blank where no gradient arrived", () => {
    const rows = [
      [1e-6, 1e-4, 1e-2, 1],
      [0, 1, 1, 1],
    ];
    const [low, high] = logBounds(rows);
    expect([low, high]).toEqual([-6, 0]);
    expect(sparkline(rows[0] as number[], low, high)).toBe("▁▃▆█");
    expect(sparkline(rows[1] as number[], low, high)).toBe(" ███");
    expect(sparkline([1, Number.NaN], low, high)).toBe("█!");
    expect(
      sparkline(
        Array.from({ length: 100 }, (_, t) => 10 ** ((t / 99) * 6 - 6)),
        low,
        high,
        8,
      ),
    ).toHaveLength(8);
  });
});

describe("gradflow", () => {
  it("measures ‖∂L/∂h_t‖ for tanh and relu RNNs, LSTM and GRU, with and without clipping", async () => {
    const cwd = workspace();
    const result = await cli(
      cwd,
      "gradflow",
      "tiny.json",
      "--length",
      "12",
      "--batch",
      "2",
      "--train-steps",
      "2",
      "--hidden",
      "8",
      "--out",
      "flow",
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    for (const cell of ["rnn-tanh", "rnn-relu", "lstm", "gru"]) {
      expect(result.out).toMatch(
        new RegExp(`\\n${cell}\\s+init\\s+[▁▂▃▄▅▆▇█ ]{12}\\s+\\d\\.\\de[+-]\\d+`),
      );
      expect(result.out).toMatch(new RegExp(`\\n${cell}\\s+2 steps, clip 1\\s`));
    }
    expect(result.out).toContain("‖∂L/∂h_0‖");
    const variants = JSON.parse(readFileSync(join(cwd, "flow", "gradflow.json"), "utf8"));
    expect(variants).toHaveLength(12);
    // L is the loss at the last step: the gradient reaching h_11 is the largest for a tanh RNN at init.
    const tanhInit = variants[0].flow.norms[0] as number[];
    expect(tanhInit).toHaveLength(12);
    expect(tanhInit[11]).toBeGreaterThan(tanhInit[0] as number);
    const html = readFileSync(join(cwd, "flow", "report.html"), "utf8");
    expect(html).toContain("at initialisation");
    expect(existsSync(join(cwd, "flow", "config.json"))).toBe(true);
  });

  it("shows a relu RNN's gradient growing back in time when W_hh is large (--recurrent-gain)", async () => {
    const cwd = workspace();
    const result = await cli(
      cwd,
      "gradflow",
      "tiny.json",
      "--cells",
      "rnn-relu,rnn-tanh",
      "--recurrent-gain",
      "2",
      "--length",
      "12",
      "--batch",
      "2",
      "--train-steps",
      "1",
      "--hidden",
      "16",
      "--out",
      "gain",
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain("W_hh orthogonal × 2");
    const variants = JSON.parse(readFileSync(join(cwd, "gain", "gradflow.json"), "utf8"));
    const relu = variants[0].flow.norms[0] as number[];
    expect(relu[0]).toBeGreaterThan(relu[11] as number); // exploding: larger the further back
  });
});
