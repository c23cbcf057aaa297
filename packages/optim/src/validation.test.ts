// Hyper-parameter validation: PyTorch 1.13's rules (and defaults), with the exact messages pinned.
import { describe, expect, it } from "vitest";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import type { OptimError } from "./errors.js";
import { rmsprop } from "./rmsprop.js";
import { chainedLr, sequentialLr } from "./schedules/compose.js";
import { cosineAnnealingLr } from "./schedules/cosine-annealing.js";
import { exponentialLr, multiStepLr, stepLr } from "./schedules/decay.js";
import { linearLr } from "./schedules/linear.js";
import { reduceLrOnPlateau } from "./schedules/reduce-on-plateau.js";
import { sgd } from "./sgd.js";

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect((error as OptimError).code).toBe("INVALID_HYPERPARAMETER");
    return (error as Error).message;
  }
  throw new Error("expected an error");
}

// biome-ignore lint/suspicious/noExplicitAny: deliberately wrong options
type Loose = any;

describe("PyTorch 1.13 defaults", () => {
  it.each([
    [
      "sgd",
      sgd({ lr: 0.1 }).hyper,
      { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false },
    ],
    [
      "adam",
      adam().hyper,
      { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
    ],
    [
      "adamw",
      adamw().hyper,
      {
        lr: 1e-3,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 1e-2,
        amsgrad: false,
        maximize: false,
      },
    ],
    [
      "rmsprop",
      rmsprop().hyper,
      {
        lr: 1e-2,
        alpha: 0.99,
        eps: 1e-8,
        weightDecay: 0,
        momentum: 0,
        centered: false,
        maximize: false,
      },
    ],
    [
      "adagrad",
      adagrad().hyper,
      {
        lr: 1e-2,
        lrDecay: 0,
        weightDecay: 0,
        initialAccumulatorValue: 0,
        eps: 1e-10,
        maximize: false,
      },
    ],
    ["stepLr", stepLr({ stepSize: 3 }).options, { stepSize: 3, gamma: 0.1 }],
    ["multiStepLr", multiStepLr({ milestones: [2] }).options, { milestones: [2], gamma: 0.1 }],
    ["cosineAnnealingLr", cosineAnnealingLr({ tMax: 9 }).options, { tMax: 9, etaMin: 0 }],
    ["linearLr", linearLr().options, { startFactor: 1 / 3, endFactor: 1, totalIters: 5 }],
    [
      "reduceLrOnPlateau",
      reduceLrOnPlateau().options,
      {
        mode: "min",
        factor: 0.1,
        patience: 10,
        threshold: 1e-4,
        thresholdMode: "rel",
        cooldown: 0,
        minLr: 0,
        eps: 1e-8,
      },
    ],
  ])("%s", (_, actual, expected) => {
    expect(actual).toEqual(expected);
    expect(Object.isFrozen(actual)).toBe(true);
  });
});

describe("optimizer validation messages", () => {
  it.each<[string, () => unknown, string]>([
    ["negative lr", () => adam({ lr: -0.1 }), "adam: lr must be >= 0, got -0.1"],
    ["NaN lr", () => adamw({ lr: Number.NaN }), "adamw: lr must be >= 0, got NaN"],
    [
      "lr of the wrong type",
      () => rmsprop({ lr: "fast" as Loose }),
      'rmsprop: lr must be a number >= 0, got "fast"',
    ],
    ["beta1 = 1", () => adam({ betas: [1, 0.999] }), "adam: betas[0] must be in [0, 1), got 1"],
    [
      "beta2 < 0",
      () => adamw({ betas: [0.9, -0.5] }),
      "adamw: betas[1] must be in [0, 1), got -0.5",
    ],
    [
      "betas not a pair",
      () => adam({ betas: [0.9] as Loose }),
      "adam: betas must be a pair [beta1, beta2], got [0.9]",
    ],
    ["negative eps", () => adam({ eps: -1e-8 }), "adam: eps must be >= 0, got -1e-8"],
    [
      "negative weight decay",
      () => adamw({ weightDecay: -0.01 }),
      "adamw: weightDecay must be >= 0, got -0.01",
    ],
    [
      "amsgrad not a boolean",
      () => adam({ amsgrad: 1 as Loose }),
      "adam: amsgrad must be true or false, got 1",
    ],
    [
      "sgd without lr",
      () => sgd({} as Loose),
      "sgd: lr is required (PyTorch's SGD has no default), e.g. sgd({ lr: 0.01 })",
    ],
    [
      "negative momentum",
      () => sgd({ lr: 0.1, momentum: -0.9 }),
      "sgd: momentum must be >= 0, got -0.9",
    ],
    [
      "Nesterov without momentum",
      () => sgd({ lr: 0.1, nesterov: true }),
      "sgd: nesterov requires momentum > 0 and dampening = 0, got momentum 0 and dampening 0",
    ],
    [
      "Nesterov with dampening",
      () => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      "sgd: nesterov requires momentum > 0 and dampening = 0, got momentum 0.9 and dampening 0.1",
    ],
    ["negative alpha", () => rmsprop({ alpha: -0.99 }), "rmsprop: alpha must be >= 0, got -0.99"],
    [
      "negative rmsprop momentum",
      () => rmsprop({ momentum: -1 }),
      "rmsprop: momentum must be >= 0, got -1",
    ],
    ["negative lrDecay", () => adagrad({ lrDecay: -1 }), "adagrad: lrDecay must be >= 0, got -1"],
    [
      "negative initialAccumulatorValue",
      () => adagrad({ initialAccumulatorValue: -0.1 }),
      "adagrad: initialAccumulatorValue must be >= 0, got -0.1",
    ],
    [
      "a PyTorch name instead of ours",
      () => adam({ weight_decay: 0.1 } as Loose),
      'adam: unknown option "weight_decay"; did you mean "weightDecay"? (options: lr, betas, eps, weightDecay, amsgrad, maximize)',
    ],
    ["options not an object", () => adam(0.1 as Loose), "adam: options must be an object, got 0.1"],
  ])("%s", (_, make, message) => {
    expect(messageOf(make)).toBe(message);
  });

  it("reports every problem at once", () => {
    expect(() =>
      adam({ lr: -1, betas: [0.9, 1], eps: -1, amsgrad: "yes" as Loose }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [OptimError: adam: 4 invalid hyper-parameters:
        - lr must be >= 0, got -1
        - betas[1] must be in [0, 1), got 1
        - eps must be >= 0, got -1
        - amsgrad must be true or false, got "yes"]
    `);
  });

  it("lists the problems on the error", () => {
    try {
      sgd({ lr: -1, momentum: -1 });
    } catch (error) {
      expect((error as OptimError).problems).toEqual([
        "lr must be >= 0, got -1",
        "momentum must be >= 0, got -1",
      ]);
    }
  });
});

describe("schedule validation messages", () => {
  it.each<[string, () => unknown, string]>([
    [
      "stepSize 0",
      () => stepLr({ stepSize: 0 }),
      "stepLr: stepSize must be an integer >= 1, got 0",
    ],
    [
      "negative gamma",
      () => stepLr({ stepSize: 2, gamma: -0.1 }),
      "stepLr: gamma must be >= 0, got -0.1",
    ],
    [
      "exponential without gamma",
      () => exponentialLr({} as Loose),
      "exponentialLr: gamma is required, got nothing",
    ],
    [
      "milestones out of order",
      () => multiStepLr({ milestones: [10, 5] }),
      "multiStepLr: milestones must be in increasing order, got [10, 5]",
    ],
    [
      "milestone 0",
      () => multiStepLr({ milestones: [0, 5] }),
      "multiStepLr: milestones[0] must be an integer >= 1, got 0",
    ],
    [
      "tMax 0",
      () => cosineAnnealingLr({ tMax: 0 }),
      "cosineAnnealingLr: tMax must be an integer >= 1, got 0",
    ],
    [
      "fractional tMax",
      () => cosineAnnealingLr({ tMax: 2.5 }),
      "cosineAnnealingLr: tMax must be an integer >= 1, got 2.5",
    ],
    [
      "negative etaMin",
      () => cosineAnnealingLr({ tMax: 5, etaMin: -1 }),
      "cosineAnnealingLr: etaMin must be >= 0, got -1",
    ],
    [
      "startFactor > 1",
      () => linearLr({ startFactor: 1.5 }),
      "linearLr: startFactor must be in [0, 1], got 1.5",
    ],
    [
      "endFactor < 0",
      () => linearLr({ endFactor: -0.5 }),
      "linearLr: endFactor must be in [0, 1], got -0.5",
    ],
    [
      "totalIters 0",
      () => linearLr({ totalIters: 0 }),
      "linearLr: totalIters must be an integer >= 1, got 0",
    ],
    [
      "factor 1",
      () => reduceLrOnPlateau({ factor: 1 }),
      "reduceLrOnPlateau: factor must be in [0, 1), got 1",
    ],
    [
      "unknown mode",
      () => reduceLrOnPlateau({ mode: "minimum" as Loose }),
      'reduceLrOnPlateau: mode must be "min" or "max", got "minimum"',
    ],
    [
      "unknown threshold mode",
      () => reduceLrOnPlateau({ thresholdMode: "relative" as Loose }),
      'reduceLrOnPlateau: thresholdMode must be "rel" or "abs", got "relative"',
    ],
    [
      "negative patience",
      () => reduceLrOnPlateau({ patience: -1 }),
      "reduceLrOnPlateau: patience must be an integer >= 0, got -1",
    ],
    [
      "negative minLr",
      () => reduceLrOnPlateau({ minLr: -1e-3 }),
      "reduceLrOnPlateau: minLr must be >= 0, got -0.001",
    ],
    [
      "milestones that do not fit the schedules",
      () => sequentialLr([linearLr(), cosineAnnealingLr({ tMax: 5 })], [3, 6]),
      "sequentialLr: expected 1 milestone for 2 schedules (one fewer), got 2",
    ],
    [
      "sequential milestones out of order",
      () => sequentialLr([linearLr(), linearLr(), linearLr()], [6, 3]),
      "sequentialLr: milestones must be in increasing order, got [6, 3]",
    ],
    [
      "no schedules",
      () => chainedLr([]),
      "chainedLr: schedules must be a non-empty list of schedules, got []",
    ],
    [
      "not a schedule",
      () => chainedLr([linearLr(), 3 as Loose]),
      "chainedLr: schedules[1] must be a schedule (e.g. cosineAnnealingLr({ tMax: 10 })), got number",
    ],
  ])("%s", (_, make, message) => {
    expect(messageOf(make)).toBe(message);
  });
});
