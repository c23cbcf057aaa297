import { backward, gradcheck } from "@recurrent/autograd";
import {
  createCell,
  derivedPathStatus,
  gradcheckDerived,
  lstm,
  Recurrent,
  runSteps,
} from "@recurrent/cells";
import { createRegistry } from "@recurrent/registry";
import { add, concat, Generator, mul, reshape, sum, type Tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import plugin, { peepholeLstm } from "./index.js";

describe("example/peephole-lstm", () => {
  it("registers through a plugin like any cell", () => {
    const registry = createRegistry().use(plugin);
    const cell = registry.create("cell", "example/peephole-lstm", { hidden: 4 }); // typed: a Cell
    expect(cell.config).toEqual({ hidden: 4, peepholeInit: "default" });
  });

  it("is the built-in lstm when its peepholes are zero", () => {
    const peephole = new Recurrent(createCell(peepholeLstm, { hidden: 5, peepholeInit: "zeros" }), {
      inputSize: 3,
      seed: 4,
      fused: false,
    });
    const plain = new Recurrent(createCell(lstm, { hidden: 5 }), {
      inputSize: 3,
      seed: 4,
      fused: false, // the same step-by-step arithmetic, so the results are equal bit for bit
    });
    const x = new Generator(1).normal([6, 2, 3]);
    const a = peephole.forward(x).output.toArray();
    const b = plain.forward(x).output.toArray();
    expect(a).toEqual(b);
    expect(Object.keys(peephole.stateDict())).toContain("weight_ch_l0");
  });

  it("passes gradcheck in float64", () => {
    const cell = createCell(peepholeLstm, { hidden: 3 });
    const model = new Recurrent(cell, { inputSize: 2, dtype: "float64", seed: 2 });
    const names = model.namedParameters().map(([k]) => k.replace(/_l0$/, ""));
    const g = new Generator(3);
    const x = g.normal([3, 2, 2], 0, 1, "float64");
    const h = g.normal([2, 3], 0, 0.5, "float64");
    const c = g.normal([2, 3], 0, 0.5, "float64");
    const result = gradcheck(
      (xx, hh, cc, ...params) => {
        const p: Record<string, Tensor> = {};
        names.forEach((name, i) => {
          p[name] = params[i] as Tensor;
        });
        const out = runSteps(cell, p, xx as Tensor, { h: hh as Tensor, c: cc as Tensor });
        return concat(
          [out.outputs, out.state.c as Tensor].map((t) => reshape(t, [t.size])),
          0,
        );
      },
      [x, h, c, ...model.parameters()],
      { name: "peephole-lstm" },
    );
    expect(result.checked).toBeGreaterThan(0);
  });

  it("takes the derived fused path, equal to the step path (outputs and every gradient)", () => {
    const cell = createCell(peepholeLstm, { hidden: 5 });
    expect(derivedPathStatus(cell)).toEqual({ fused: true, reason: null });
    const run = (fused: boolean | "derived") => {
      const model = new Recurrent(cell, {
        inputSize: 3,
        numLayers: 2,
        bidirectional: true,
        seed: 6,
        fused,
        dtype: "float64",
      });
      const x = new Generator(8).normal([5, 2, 3], 0, 1, "float64");
      x.requiresGrad = true;
      const { output, state } = model.forward(x);
      backward(add(sum(mul(output, output)), sum(state.c as Tensor)));
      return [
        output,
        state.h as Tensor,
        state.c as Tensor,
        x.grad as Tensor,
        ...model.parameters().map((p) => p.grad as Tensor),
      ];
    };
    const derived = run("derived");
    const step = run(false);
    derived.forEach((t, i) => {
      const a = t.data();
      const b = (step[i] as Tensor).data();
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j] as number, 10);
    });
  });

  it("passes gradcheck through the generated backward, both directions, masked", () => {
    const cell = createCell(peepholeLstm, { hidden: 3 });
    expect(gradcheckDerived(cell, false).checked).toBeGreaterThan(0);
    expect(gradcheckDerived(cell, true).checked).toBeGreaterThan(0);
  });
});
