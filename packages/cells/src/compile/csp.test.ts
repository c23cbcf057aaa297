/**
 * Under a Content-Security-Policy without 'unsafe-eval', `new Function` (and
 * `eval`) throw an EvalError. The derived path generates no code: its
 * element-wise work is row programs, data run by the backend's kernel, so
 * under such a policy the derived path still serves, equal to the step path,
 * and nothing warns. Here the page's policy is stood in for by a `Function`
 * and an `eval` that throw as the browser's do (module state is per test file).
 */

import { Generator } from "@recurrent/tensor";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createCell } from "../cell.js";
import { gru } from "../cells/gru.js";
import { lstm } from "../cells/lstm.js";
import { Recurrent } from "../recurrent.js";
import { derivedPathStatus } from "./plan.js";

describe("a page that forbids run-time code generation", () => {
  // Configured before the policy stands in (zod checks once, at its first parse, whether it may
  // generate code, as it does when a page loads).
  const cell = createCell(gru, { hidden: 4, resetAfter: false });
  const other = createCell(lstm, { hidden: 4 });
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  afterAll(() => {
    vi.unstubAllGlobals();
    warn.mockRestore();
  });

  it("still runs the derived path (no code is generated), equal to the step path, with no warning", () => {
    const refuse = () => {
      throw new EvalError(
        "Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source",
      );
    };
    vi.stubGlobal("Function", new Proxy(Function, { construct: refuse, apply: refuse }));
    vi.stubGlobal("eval", refuse);
    expect(() => new Function("return 1")).toThrow(EvalError);
    const x = new Generator(1).normal([5, 2, 3], 0, 1, "float64");
    const run = (fused: boolean | "derived") =>
      new Recurrent(cell, { inputSize: 3, seed: 2, fused, dtype: "float64" })
        .forward(x)
        .output.toArray() as number[][][];
    const derived = run("derived").flat(2);
    const step = run(false).flat(2);
    expect(derived.length).toBe(5 * 2 * 4);
    derived.forEach((v, i) => {
      expect(Math.abs(v - (step[i] as number))).toBeLessThan(1e-12);
    });
    expect(derivedPathStatus(other)).toEqual({ fused: true, reason: null });
    expect(warn).not.toHaveBeenCalled();
  });
});
