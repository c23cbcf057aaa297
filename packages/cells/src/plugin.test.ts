/**
 * The built-in cells register through the same public `definePlugin` path a
 * user's plugin takes, and are looked up, configured and typed by name.
 */
import { createRegistry, definePlugin, z } from "@recurrent/registry";
import { add, Generator, matMul, type Tensor, tanh } from "@recurrent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type Cell, defineCell } from "./cell.js";
import { lstm } from "./cells/lstm.js";
import { builtInCells, cellsPlugin } from "./plugin.js";
import { Recurrent } from "./recurrent.js";

const minimal = defineCell({
  name: "acme/minimal",
  description: "h_t = tanh(W x_t + U h_{t−1})",
  schema: z.object({ hidden: z.number().int().positive().default(4) }),
  params: ({ input, hidden }) => ({ w: [hidden, input], u: [hidden, hidden] }),
  state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
  outputSize: ({ hidden }) => hidden,
  step: (x, { h }, { w, u }) => {
    const next = tanh(
      add(
        matMul(x, w as Tensor, { transposeB: true }),
        matMul(h as Tensor, u as Tensor, { transposeB: true }),
      ),
    );
    return { output: next, state: { h: next } };
  },
});

describe("cellsPlugin", () => {
  const registry = createRegistry().use(cellsPlugin);

  it("registers the note's ladder under plain names", () => {
    expect(registry.list("cell").map((e) => e.name)).toEqual([
      "ar",
      "gru",
      "latent-ar",
      "lstm",
      "markov",
      "rnn",
    ]);
    expect(builtInCells).toHaveLength(6);
    expect(registry.get("cell", "lstm")).toBe(lstm);
    expect(registry.pluginOf("cell", "gru")).toBe("@recurrent/cells");
  });

  it("creates a configured cell with defaults filled, typed by name, that Recurrent runs", () => {
    const cell = registry.create("cell", "lstm", { hidden: 8 });
    expectTypeOf(cell.config).toEqualTypeOf<{
      hidden: number;
      forgetBias: number;
      bias: boolean;
      projSize: number;
    }>();
    expect(cell.config).toEqual({ hidden: 8, forgetBias: 0, bias: true, projSize: 0 });
    // @ts-expect-error hidden must be a number: the config is typed by the cell's schema
    expect(() => registry.create("cell", "lstm", { hidden: "big" })).toThrow(/hidden/);
    const model = new Recurrent(cell, { inputSize: 3 });
    expect(model.forward(new Generator(0).normal([2, 1, 3])).output.shape).toEqual([2, 1, 8]);
  });

  it("names what is registered when a name is unknown", () => {
    expect(() => registry.get("cell", "lstn" as never)).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: unknown cell "lstn"; did you mean "lstm"? registered: ar, gru, latent-ar, lstm, markov, rnn]`,
    );
    expect(() => registry.create("cell", "rnn", { hidden: 0 })).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config for cell "rnn" (1 problem):
        - hidden: expected > 0, got 0]
    `);
  });

  it("takes a user's cell through the same path, and refuses a clash with both plugin names", () => {
    const acme = definePlugin({ name: "acme-cells", entries: [minimal] });
    const both = createRegistry().use(cellsPlugin).use(acme);
    expect(both.has("cell", "acme/minimal")).toBe(true);
    const model = new Recurrent(both.create("cell", "acme/minimal" as never) as Cell, {
      inputSize: 2,
    });
    expect(Object.keys(model.stateDict())).toEqual(["w_l0", "u_l0"]);
    const clash = definePlugin({ name: "copycat", entries: [lstm] });
    expect(() => createRegistry().use(cellsPlugin).use(clash)).toThrowErrorMatchingInlineSnapshot(
      `[RegistryError: duplicate cell "lstm": registered by plugin "@recurrent/cells", and again by plugin "copycat"]`,
    );
  });
});
