/**
 * The second example plugin cell (examples/minimal-gated-unit, a shape
 * unlike the LSTM's) trained end to end through --plugin on the derived
 * fused path, and generating through the one-step rollout derived from it.
 */
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, workspace } from "./testing/fixtures.js";

const examplePackage = fileURLToPath(
  new URL("../../../examples/minimal-gated-unit", import.meta.url),
);

describe("a second plugin cell (examples/minimal-gated-unit)", () => {
  let cwd: string;

  beforeAll(() => {
    cwd = workspace();
  });

  it("trains end to end through --plugin, then generates (greedy: the same text twice)", async () => {
    const trained = await cli(
      cwd,
      "train",
      "tiny.json",
      "--plugin",
      examplePackage,
      "--cell",
      "example/minimal-gated-unit",
      "--out",
      "mgu",
    );
    expect(trained.err).toBe("");
    expect(trained.code).toBe(0);
    expect(trained.out).toContain("model   example/minimal-gated-unit (hidden 12)");
    expect((trained.out.match(/validation (\d+\.\d+) nats/g) ?? []).length).toBeGreaterThanOrEqual(
      2,
    );
    const generate = () =>
      cli(cwd, "generate", "mgu", "--prefix", "the ", "--length", "12", "--greedy");
    const [one, two] = [await generate(), await generate()];
    expect(one.err).toBe("");
    expect(one.out.startsWith("the ")).toBe(true);
    expect(one.out.replace(/\n$/, "")).toHaveLength(16);
    expect(two.out).toBe(one.out);
  }, 60_000);
});
