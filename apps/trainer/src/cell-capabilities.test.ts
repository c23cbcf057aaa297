/**
 * The trainer asks a cell's capabilities, never its name: a plugin cell that
 * declares them is treated like the built-in that declares the same, and
 * `recurrent list` prints them with the path each cell trains on.
 */
import { defineCell } from "@recurrent/cells";
import { definePlugin, z } from "@recurrent/registry";
import { add, matMul } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { createTrainerRegistry } from "./builtins.js";
import { capabilitiesOf } from "./cell-capabilities.js";
import { resolveConfig } from "./config.js";
import { formatRegistry } from "./list.js";
import { inputOf } from "./model.js";
import { applyFlags } from "./setup.js";
import type { Task } from "./task.js";

/** A bigram table under another name: it prefers one-hot rows, as markov does. */
const table = defineCell({
  name: "acme/table",
  description: "logits = W x_t + b",
  schema: z.object({}),
  params: ({ input }) => ({ weight: [input, input], bias: [input] }),
  state: ({ batch }) => ({ none: [batch, 1] }),
  outputSize: ({ input }) => input,
  step: (x, state, p) => ({
    output: add(matMul(x, p.weight, { transposeB: true }), p.bias),
    state,
  }),
  capabilities: { input: "one-hot", hidden: "none", recurrentState: false },
});
const registry = createTrainerRegistry(undefined, [
  definePlugin({ name: "acme", entries: [table] }),
]);
const task = { kind: "language-model", vocab: 7 } as Task;

function inputFor(cell: string, input = "auto") {
  const config = resolveConfig({ model: { cell: { name: cell }, input } }, registry);
  return inputOf(config, task, registry);
}

describe("the trainer reads capabilities", () => {
  it("feeds one-hot rows to any cell that prefers them, an embedding otherwise", () => {
    expect(inputFor("acme/table")).toEqual({ kind: "one-hot", vocab: 7 });
    expect(inputFor("markov")).toEqual({ kind: "one-hot", vocab: 7 });
    expect(inputFor("lstm")).toMatchObject({ kind: "embedding", vocab: 7 });
    expect(inputFor("acme/table", "embedding")).toMatchObject({ kind: "embedding" }); // config wins
  });

  it("--cell keeps the config's hidden only where hidden sizes a state or a layer", () => {
    const raw = { model: { cell: { name: "lstm", hidden: 48 } } };
    const cellOf = (name: string) =>
      (applyFlags(raw, { cell: name }, registry).model as { cell: unknown }).cell;
    expect(cellOf("gru")).toEqual({ name: "gru", hidden: 48 });
    expect(cellOf("ar")).toEqual({ name: "ar", hidden: 48 }); // the MLP layer's width
    expect(cellOf("markov")).toEqual({ name: "markov" }); // a full table, not 48 outputs
    expect(cellOf("acme/table")).toEqual({ name: "acme/table" }); // no hidden option at all
    const config = resolveConfig(applyFlags(raw, { cell: "acme/table" }, registry), registry);
    expect(config.model.cell).toEqual({ name: "acme/table" });
  });

  it("fails on an unknown cell with the registry's suggestion", () => {
    expect(() => capabilitiesOf(registry, "lstn")).toThrow(
      /unknown cell "lstn"; did you mean "lstm"\?/,
    );
  });

  it("lists each cell's capabilities and training path", () => {
    const lines = formatRegistry(registry).split("\n");
    const after = (entry: string) => {
      const at = lines.findIndex((l) => l.startsWith(`  ${entry} — `));
      expect(at, entry).toBeGreaterThan(-1);
      return lines.slice(
        at + 1,
        lines.findIndex((l, i) => i > at && /^ {2}\S/.test(l)),
      );
    };
    expect(after("lstm")).toContain(
      "      capabilities: hidden sizes the state · tokens embedded by default · recurrent state · recurrent weights weight_hh · exports as torch.nn.LSTM",
    );
    expect(after("lstm")).toContain("      fused: derived (generated from its step)");
    expect(after("markov")).toContain(
      "      capabilities: hidden sizes the output · tokens one-hot by default · no recurrent state · exact fit: bigram counts of the training split",
    );
    expect(after("acme/table")).toEqual([
      "      capabilities: no hidden size · tokens one-hot by default · no recurrent state",
      "      fused: derived (generated from its step)",
    ]);
  });
});
