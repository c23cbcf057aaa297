// checkOptions: an entry's schema checking a plain function's options, problems worded for code.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { checkOptions, optionsParser } from "./plain-options.js";

const schema = z
  .object({
    lr: z.number().min(0).default(1e-3),
    betas: z
      .tuple([z.number().min(0).lt(1).describe("beta1"), z.number().min(0).lt(1).describe("beta2")])
      .default([0.9, 0.999]),
    factor: z.number().min(0).max(1).default(0.5),
    steps: z.number().int().min(1),
    down: z.number().int().positive().nullable().default(null),
    milestones: z
      .array(z.number().int().min(1))
      .refine((m) => m.every((v, i) => i === 0 || v >= (m[i - 1] as number)), {
        message: "must be in increasing order",
      })
      .default([]),
    mode: z.enum(["min", "max"]).default("min"),
    reduction: z.enum(["mean", "sum", "none"]).default("mean"),
    shift: z.number().int().default(0),
    amsgrad: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (c.factor > 0.9 && c.mode === "max") {
      ctx.addIssue({
        code: "custom",
        path: ["factor"],
        message: "must be <= 0.9 in max mode",
        params: { plain: `factor must be <= 0.9 when mode is "max", got ${c.factor}` },
      });
    }
  });

const problems = (given: unknown) => {
  const result = checkOptions(schema, given);
  return result.ok ? [] : result.problems;
};

describe("checkOptions", () => {
  it("fills defaults and freezes the result, arrays included", () => {
    const result = checkOptions(schema, { steps: 3, milestones: [2, 4] });
    expect(result).toEqual({
      ok: true,
      value: {
        lr: 1e-3,
        betas: [0.9, 0.999],
        factor: 0.5,
        steps: 3,
        down: null,
        milestones: [2, 4],
        mode: "min",
        reduction: "mean",
        shift: 0,
        amsgrad: false,
      },
    });
    if (!result.ok) return;
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(Object.isFrozen(result.value.milestones)).toBe(true);
  });

  it("words each rule the way the plain API always has", () => {
    expect(
      problems({
        lr: "fast",
        betas: [0.9, 1],
        factor: 1.5,
        steps: 2.5,
        down: 0,
        milestones: [0, 5],
        mode: "minimum",
        reduction: "avg",
        shift: 0.5,
        amsgrad: 1,
      }),
    ).toEqual([
      'lr must be a number >= 0, got "fast"',
      "betas[1] must be in [0, 1), got 1",
      "factor must be in [0, 1], got 1.5",
      "steps must be an integer >= 1, got 2.5",
      "down must be an integer > 0, got 0",
      "milestones[0] must be an integer >= 1, got 0",
      'mode must be "min" or "max", got "minimum"',
      'reduction must be one of "mean", "sum", "none", got "avg"',
      "shift must be an integer, got 0.5",
      "amsgrad must be true or false, got 1",
    ]);
  });

  it("words lists, refinements, missing and unknown options, and rules across options", () => {
    expect(problems({ steps: 1, betas: [0.9], milestones: 3 })).toEqual([
      "betas must be a pair [beta1, beta2], got [0.9]",
      "milestones must be a list of integers >= 1, got 3",
    ]);
    expect(problems({ steps: 1, milestones: [5, 2] })).toEqual([
      "milestones must be in increasing order, got [5, 2]",
    ]);
    expect(problems({ stpes: 1 })).toEqual([
      'unknown option "stpes"; did you mean "steps"? (options: lr, betas, factor, steps, down, milestones, mode, reduction, shift, amsgrad)',
      "steps is required, got nothing",
    ]);
    expect(problems(0.1)).toEqual(["options must be an object, got 0.1"]);
    expect(problems({ steps: 1, lr: Number.POSITIVE_INFINITY })).toEqual([
      "lr must be a finite number >= 0, got Infinity",
    ]);
    expect(problems({ steps: 1, lr: Number.NaN })).toEqual(["lr must be >= 0, got NaN"]);
    expect(problems({ steps: 1, factor: 0.95, mode: "max" })).toEqual([
      'factor must be <= 0.9 when mode is "max", got 0.95',
    ]);
  });

  it("checks what is given over the values already in force, and words a missing option as asked", () => {
    const base = checkOptions(schema, { steps: 4, lr: 0.1 });
    if (!base.ok) throw new Error("expected options");
    const next = checkOptions(schema, { lr: 0.2 }, { base: base.value });
    expect(next.ok && [next.value.lr, next.value.steps]).toEqual([0.2, 4]);
    expect(
      checkOptions(schema, {}, { required: { steps: "steps is required, e.g. { steps: 10 }" } }),
    ).toEqual({ ok: false, problems: ["steps is required, e.g. { steps: 10 }"] });
  });

  it("generates no code, so it works under a Content-Security-Policy without 'unsafe-eval'", () => {
    const fresh = z.object({ hidden: z.number().int().positive() }); // never parsed before
    vi.stubGlobal(
      "Function",
      new Proxy(Function, {
        construct() {
          throw new EvalError("Refused to evaluate a string as JavaScript ('unsafe-eval')");
        },
      }),
    );
    try {
      expect(checkOptions(fresh, { hidden: 3 })).toEqual({ ok: true, value: { hidden: 3 } });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("optionsParser", () => {
  class PackageError extends Error {}
  const parse = optionsParser((message) => new PackageError(message));

  it("returns the parsed options, or throws the package's error naming the function", () => {
    expect(parse("adam", schema, { lr: 0.1, steps: 3 }).lr).toBe(0.1);
    expect(() => parse("adam", schema, { lr: -1, factor: 2, steps: 3 })).toThrow(PackageError);
    expect(() => parse("adam", schema, { lr: -1, factor: 2, steps: 3 })).toThrow(
      /^adam: lr must be >= 0, got -1; factor must be/,
    );
  });
});
