import { backward, requireGrad } from "@recurrent/autograd";
import { createCell, derivedPathStatus, gradcheckDerived, Recurrent } from "@recurrent/cells";
import { createRegistry } from "@recurrent/registry";
import { add, Generator, mul, sum, type Tensor, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import plugin, { minimalGatedUnit } from "./index.js";

/** Outputs, final state and every gradient of a two-layer bidirectional run with a mask. */
function run(fused: boolean | "derived") {
  const model = new Recurrent(createCell(minimalGatedUnit, { hidden: 6 }), {
    inputSize: 4,
    numLayers: 2,
    bidirectional: true,
    seed: 5,
    fused,
    dtype: "float64",
  });
  const x = requireGrad(new Generator(2).normal([5, 3, 4], 0, 1, "float64"));
  const mask = tensor(
    [0, 1, 2, 3, 4].map((t) => [5, 3, 2].map((n) => (t < n ? 1 : 0))),
    { dtype: "float64" },
  );
  const { output, state } = model.forward(x, { mask });
  const loss = add(sum(mul(output, output)), sum(state.h as Tensor));
  backward(loss);
  return [
    output,
    state.h as Tensor,
    x.grad as Tensor,
    ...model.parameters().map((p) => p.grad as Tensor),
  ];
}

describe("example/minimal-gated-unit", () => {
  it("registers through a plugin like any cell", () => {
    const registry = createRegistry().use(plugin);
    const cell = registry.create("cell", "example/minimal-gated-unit", { hidden: 4 });
    expect(cell.config).toEqual({ hidden: 4 });
  });

  it("takes the derived fused path", () => {
    expect(derivedPathStatus(createCell(minimalGatedUnit, { hidden: 4 }))).toEqual({
      fused: true,
      reason: null,
    });
  });

  it("derived fused path equals the step path: outputs, state and every gradient", () => {
    const derived = run("derived");
    const step = run(false);
    derived.forEach((t, i) => {
      const a = t.data();
      const b = (step[i] as Tensor).data();
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j] as number, 10);
    });
  });

  it("passes gradcheck through the generated backward, both directions, masked", () => {
    const cell = createCell(minimalGatedUnit, { hidden: 3 });
    expect(gradcheckDerived(cell, false).checked).toBeGreaterThan(0);
    expect(gradcheckDerived(cell, true).checked).toBeGreaterThan(0);
  });
});
