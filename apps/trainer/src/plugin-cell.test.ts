/**
 * The proof that a custom cell works as a plugin: the example package
 * examples/peephole-lstm, loaded with --plugin by path (a package
 * directory), trained end to end, listed, compared and evaluated.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Checkpoint } from "@recurrent/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { resolvePluginFile } from "./plugins.js";
import { cli, workspace } from "./testing/fixtures.js";

const examplePackage = fileURLToPath(new URL("../../../examples/peephole-lstm", import.meta.url));

describe("a custom cell as a plugin (examples/peephole-lstm)", () => {
  let cwd: string;

  beforeAll(() => {
    cwd = workspace();
  });

  it("resolves a package directory to its entry, the sources under the source condition", () => {
    expect(resolvePluginFile(examplePackage, cwd)).toBe(join(examplePackage, "src", "index.ts"));
  });

  it("trains end to end through --plugin, and its weights are in the checkpoint", async () => {
    const result = await cli(
      cwd,
      "train",
      "tiny.json",
      "--plugin",
      examplePackage,
      "--cell",
      "example/peephole-lstm",
      "--out",
      "peephole",
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'model   example/peephole-lstm (hidden 12, peepholeInit "default")',
    );
    const checkpoint = Checkpoint.fromBytes(
      new Uint8Array(readFileSync(join(cwd, "peephole", "checkpoints", "step-000008.safetensors"))),
    );
    expect(checkpoint.tensors("model")["recurrent.weight_ch_l0"]?.shape).toEqual([3, 12]);
    const losses = result.out.match(/validation (\d+\.\d+) nats/g) ?? [];
    expect(losses.length).toBeGreaterThanOrEqual(2);
    // The run remembers its plugin: evaluating needs no --plugin.
    const evaluated = await cli(cwd, "eval", "peephole");
    expect(evaluated.err).toBe("");
    expect(evaluated.out).toMatch(/step 8 · validation \d\.\d+ nats\/char/);
  });

  it("is listed with its options, and an unknown name says it is not registered without the plugin", async () => {
    const listed = await cli(cwd, "list", "--kind", "cell", "--plugin", examplePackage);
    expect(listed.out).toContain(
      "example/peephole-lstm — LSTM whose gates also read the cell state",
    );
    expect(listed.out).toContain("peepholeInit:");
    const without = await cli(cwd, "train", "tiny.json", "--cell", "example/peephole-lstm");
    expect(without.code).toBe(1);
    expect(without.err).toContain('unknown cell "example/peephole-lstm"');
  });
});
