import { createRegistry, describeOptions } from "@recurrent/registry";
import { tensor } from "@recurrent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import { type LossFn, nnPlugin } from "./plugin.js";

describe("nnPlugin", () => {
  const registry = createRegistry().use(nnPlugin);

  it("registers the losses and initialisers by name", () => {
    expect(registry.list("loss").map((e) => e.name)).toEqual(["cross-entropy", "l1", "mse"]);
    expect(registry.list("initializer").map((e) => e.name)).toEqual([
      "constant",
      "kaiming-normal",
      "kaiming-uniform",
      "lstm-forget-bias",
      "normal",
      "orthogonal",
      "recurrent-default",
      "uniform",
      "xavier-normal",
      "xavier-uniform",
      "zeros",
    ]);
    for (const entry of [...registry.list("loss"), ...registry.list("initializer")]) {
      expect(entry.description.length, entry.name).toBeGreaterThan(10);
    }
  });

  it("creates configured losses, typed", () => {
    const ce = registry.create("loss", "cross-entropy", { ignoreIndex: 0 });
    expectTypeOf(ce).toEqualTypeOf<LossFn>();
    const logits = tensor([
      [0, 0],
      [10, 0],
    ]);
    // target 0 is ignored: only the first row counts, −log ½
    expect(ce(logits, tensor([1, 0], { dtype: "int32" })).item()).toBeCloseTo(Math.log(2), 6);
    const mse = registry.create("loss", "mse", {});
    expect(mse(tensor([1, 3]), tensor([0, 0]), { mask: tensor([0, 1]) }).item()).toBe(9);
  });

  it("documents options and rejects bad configs before training", () => {
    expect(
      describeOptions(registry.get("loss", "cross-entropy")).map((o) => [o.name, o.default]),
    ).toEqual([
      ["ignoreIndex", -100],
      ["labelSmoothing", 0],
      ["weight", undefined],
      ["reduction", "mean"],
    ]);
    expect(() =>
      registry.create("loss", "cross-entropy", { labelSmoothing: 1.5 }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config for loss "cross-entropy" (1 problem):
        - labelSmoothing: expected <= 1, got 1.5]
    `);
  });
});
