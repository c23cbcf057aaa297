/**
 * Under a Content-Security-Policy without 'unsafe-eval', `new Function`
 * throws an EvalError: the derived path then declines (the step path runs,
 * with the same results) and one console warning names the policy. Here the
 * page's policy is stood in for by a `Function` that throws as the browser's
 * does (module state is per test file, so other files keep code generation).
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
  const cell = createCell(gru, { hidden: 4, resetAfter: false }); // no hand-written fused path
  const other = createCell(lstm, { hidden: 4 });
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  afterAll(() => {
    vi.unstubAllGlobals();
    warn.mockRestore();
  });

  it("runs the step path, warns once naming 'unsafe-eval', and says why", () => {
    vi.stubGlobal(
      "Function",
      new Proxy(Function, {
        construct() {
          throw new EvalError(
            "Refused to evaluate a string as JavaScript because 'unsafe-eval' is not an allowed source",
          );
        },
      }),
    );
    const x = new Generator(1).normal([5, 2, 3], 0, 1, "float64");
    const run = (fused: boolean) =>
      new Recurrent(cell, { inputSize: 3, seed: 2, fused, dtype: "float64" })
        .forward(x)
        .output.toArray();
    expect(run(true)).toEqual(run(false));
    expect(run(true)).toEqual(run(false));
    expect(() =>
      new Recurrent(cell, { inputSize: 3, fused: "derived", dtype: "float64" }).forward(x),
    ).toThrow(/unsafe-eval/);
    expect(derivedPathStatus(other)).toEqual({
      fused: false,
      reason:
        "this page's Content-Security-Policy forbids code generated at run time ('unsafe-eval'), so cells run on their step path",
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("'unsafe-eval'");
  });
});
