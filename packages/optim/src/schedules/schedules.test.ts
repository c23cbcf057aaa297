// Learning-rate schedules against torch.optim.lr_scheduler (fixtures/schedules.json): the rate after
// construction and after each of 30 steps (48 for ChainedScheduler, past cosine's minimum),
// ReduceLROnPlateau fed a fixed metric sequence, and the momentum (SGD) or beta1 (Adam) that
// one-cycle and cyclic drive.
import { readFileSync } from "node:fs";
import { zeros } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { adagrad } from "../adagrad.js";
import { adam } from "../adam.js";
import { Optimizer } from "../optimizer.js";
import { sgd } from "../sgd.js";
import { type AnySchedule, chainedLr, productLr, sequentialLr } from "./compose.js";
import { constantLr } from "./constant.js";
import { cosineAnnealingLr } from "./cosine-annealing.js";
import { cyclicLr } from "./cyclic.js";
import { exponentialLr, multiStepLr, stepLr } from "./decay.js";
import { lambdaLr, multiplicativeLr } from "./lambda.js";
import { linearLr } from "./linear.js";
import { oneCycleLr } from "./one-cycle.js";
import { polynomialLr } from "./polynomial.js";
import { reduceLrOnPlateau } from "./reduce-on-plateau.js";
import { Scheduler } from "./scheduler.js";
import { cosineAnnealingWarmRestarts } from "./warm-restarts.js";

interface Spec {
  schedule: string;
  options?: Record<string, unknown>;
  schedules?: Spec[];
  milestones?: number[];
}
interface ScheduleCase extends Spec {
  baseLr: number;
  lrs: number[];
  metrics?: number[];
  /** Whose momentum a cycling schedule drives: SGD's `momentum` or Adam's beta1. */
  optimizer?: "sgd" | "adam";
  momenta?: number[];
}

/** The functions of LambdaLR cases, by the names torch_optim_fixtures.py gives them. */
const lambdas: Record<string, (epoch: number) => number> = {
  "warmup-then-decay": (epoch) => Math.min(1, (epoch + 1) / 5) * 0.9 ** Math.max(0, epoch - 4),
};

const fixture = JSON.parse(
  readFileSync(new URL("../../fixtures/schedules.json", import.meta.url), "utf8"),
) as { cases: ScheduleCase[] };

// biome-ignore lint/suspicious/noExplicitAny: options come from JSON
const factories: Record<string, (options: any) => AnySchedule> = {
  step: stepLr,
  "multi-step": multiStepLr,
  exponential: exponentialLr,
  "cosine-annealing": cosineAnnealingLr,
  linear: linearLr,
  "reduce-on-plateau": reduceLrOnPlateau,
  constant: constantLr,
  polynomial: polynomialLr,
  multiplicative: ({ factor }) => multiplicativeLr({ lrLambda: factor }),
  lambda: ({ fn }) => lambdaLr({ lrLambda: lambdas[fn] as (epoch: number) => number }),
  "cosine-warm-restarts": cosineAnnealingWarmRestarts,
  cyclic: cyclicLr,
  "one-cycle": oneCycleLr,
};

function build(spec: Spec): AnySchedule {
  if (spec.schedule === "sequential") {
    return sequentialLr((spec.schedules ?? []).map(build), spec.milestones ?? []);
  }
  if (spec.schedule === "chained") return chainedLr((spec.schedules ?? []).map(build));
  return (factories[spec.schedule] as (options: unknown) => AnySchedule)(spec.options ?? {});
}

const label = (c: Spec): string =>
  c.schedules === undefined
    ? `${c.schedule}(${JSON.stringify(c.options ?? {})})`
    : `${c.schedule}[${c.schedules.map(label).join(", ")}]${c.milestones ? ` at ${c.milestones}` : ""}`;

/** |a − e| ≤ 1e-12·|e| + 1e-15: PyTorch steps recursively, we use the closed form (float64 both). */
function expectLrs(actual: number[], expected: number[]): void {
  expected.forEach((e, epoch) => {
    const a = actual[epoch] as number;
    expect(Math.abs(a - e), `epoch ${epoch}: ${a} vs ${e}`).toBeLessThanOrEqual(
      1e-12 * Math.abs(e) + 1e-15,
    );
  });
}

describe.each(fixture.cases.map((c) => [label(c), c] as const))("%s matches torch", (_, c) => {
  it("as a pure schedule", () => {
    const schedule = build(c);
    let state = schedule.init(c.baseLr);
    const lrs = [state.lr];
    for (let epoch = 0; epoch < c.lrs.length - 1; epoch++) {
      state = schedule.step(state, c.metrics?.[epoch]);
      lrs.push(state.lr);
      expect(state.epoch).toBe(epoch + 1);
    }
    expectLrs(lrs, c.lrs);
  });

  it("through Scheduler, setting the optimizer's lr, and resuming mid-way from a state dict", () => {
    const fresh = () =>
      c.optimizer === "adam"
        ? new Optimizer([zeros([1])], adam({ lr: c.baseLr }))
        : new Optimizer([zeros([1])], sgd({ lr: c.baseLr }));
    const momentumOf = (o: Optimizer) => {
      const hyper = o.hyper as { momentum?: number; betas?: [number, number] };
      return c.optimizer === "adam" ? (hyper.betas as [number, number])[0] : hyper.momentum;
    };
    let optimizer = fresh();
    let scheduler = new Scheduler(optimizer, build(c));
    const lrs = [optimizer.lr];
    const momenta = [momentumOf(optimizer) as number];
    for (let epoch = 0; epoch < c.lrs.length - 1; epoch++) {
      const lr = scheduler.step(c.metrics?.[epoch]);
      expect(optimizer.lr).toBe(lr);
      lrs.push(lr);
      momenta.push(momentumOf(optimizer) as number);
      if (epoch === 12) {
        // a fresh scheduler over a fresh optimizer, restored through JSON text, continues identically
        const saved = JSON.parse(JSON.stringify(scheduler.stateDict()));
        optimizer = fresh();
        scheduler = new Scheduler(optimizer, build(c));
        scheduler.loadStateDict(saved);
        expect(optimizer.lr).toBe(lr);
        expect(momentumOf(optimizer)).toBe(momenta[momenta.length - 1]);
      }
    }
    expectLrs(lrs, c.lrs);
    if (c.momenta !== undefined) expectLrs(momenta, c.momenta);
  });
});

describe("schedule state", () => {
  it("saves ±Infinity (reduce-on-plateau's starting best) through JSON", () => {
    const target = { lr: 0.1 };
    const scheduler = new Scheduler(target, reduceLrOnPlateau({ mode: "max" }));
    const text = JSON.stringify(scheduler.stateDict());
    expect(text).toContain('{"$number":"-Infinity"}');
    const again = new Scheduler({ lr: 0.1 }, reduceLrOnPlateau({ mode: "max" }));
    again.loadStateDict(JSON.parse(text));
    expect(again.state.best).toBe(Number.NEGATIVE_INFINITY);
  });

  it("rejects a state from another schedule or with missing fields, listing every problem", () => {
    const cosine = new Scheduler({ lr: 1 }, cosineAnnealingLr({ tMax: 10 }));
    const step = new Scheduler({ lr: 1 }, stepLr({ stepSize: 2 }));
    expect(() => cosine.loadStateDict(step.stateDict())).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: Scheduler.loadStateDict: the state was saved by "stepLr", but this schedule is "cosineAnnealingLr"]`,
    );
    expect(() =>
      cosine.loadStateDict({
        tensors: {},
        json: {
          format: "recurrent.optim.schedule/1",
          schedule: "cosineAnnealingLr",
          state: { epoch: 1.5, lr: 1, extra: 2 },
        },
      }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [OptimError: Scheduler.loadStateDict: 3 problems with the saved state:
        - state.epoch: expected a whole number >= 0, got 1.5
        - state.baseLr: expected a number, got nothing
        - state.extra: not part of this schedule's state]
    `);
    expect(() =>
      cosine.loadStateDict({ tensors: {}, json: { format: "something else" } }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: Scheduler.loadStateDict: expected state saved by Scheduler.stateDict() (json.format "recurrent.optim.schedule/1"), got json.format "something else"]`,
    );
    expect(cosine.epoch).toBe(0);
  });

  it("restores a sequential schedule into its second member", () => {
    const make = () =>
      sequentialLr([linearLr({ totalIters: 2 }), reduceLrOnPlateau({ patience: 0 })], [3]);
    const a = new Scheduler({ lr: 1 }, make());
    for (const metric of [5, 4, 3, 3, 3]) a.step(metric);
    const b = new Scheduler({ lr: 1 }, make());
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    expect(b.state).toEqual(a.state);
    expect(b.step(3)).toBe(a.step(3));
  });
});

describe("schedule behaviour beyond the fixtures", () => {
  it("reduce-on-plateau needs its metric", () => {
    const scheduler = new Scheduler({ lr: 1 }, reduceLrOnPlateau());
    expect(() => scheduler.step()).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: reduceLrOnPlateau: step needs the metric it watches, e.g. scheduler.step(validationLoss), got nothing]`,
    );
    expect(reduceLrOnPlateau().needsMetric).toBe(true);
    expect(sequentialLr([linearLr(), reduceLrOnPlateau()], [5]).needsMetric).toBe(true);
    expect(chainedLr([linearLr(), exponentialLr({ gamma: 0.5 })]).needsMetric).toBe(false);
  });

  it("a schedule drives a plain { lr } target too, and a chain's lr through the Optimizer", () => {
    const target = { lr: 0.5 };
    const scheduler = new Scheduler(target, exponentialLr({ gamma: 0.5 }));
    scheduler.step();
    expect(target.lr).toBe(0.25);
  });

  it("closed forms are exposed for plotting", () => {
    const cosine = cosineAnnealingLr({ tMax: 4, etaMin: 0.1 });
    expect([0, 2, 4, 8].map((e) => cosine.lrAt(e, 1.1))).toEqual([1.1, 0.6, 0.1, 1.1]);
  });
});

describe("chainedLr against productLr", () => {
  it("agree up to cosine's minimum and part after it, where PyTorch's restart term enters", () => {
    // The issue's case: ExponentialLR(0.865) chained with cosine tMax 6, base lr 0.01.
    const members = () => [exponentialLr({ gamma: 0.865 }), cosineAnnealingLr({ tMax: 6 })];
    const run = (schedule: AnySchedule) => {
      let state = schedule.init(0.01);
      const lrs = [state.lr];
      for (let e = 0; e < 8; e++) {
        state = schedule.step(state);
        lrs.push(state.lr);
      }
      return lrs;
    };
    const chained = run(chainedLr(members()));
    const product = run(productLr(members()));
    // the product by hand: 0.01 · 0.865^e · (1 + cos(πe/6))/2
    for (const [e, lr] of product.entries()) {
      expect(lr).toBeCloseTo((0.01 * 0.865 ** e * (1 + Math.cos((Math.PI * e) / 6))) / 2, 15);
    }
    for (let e = 0; e <= 6; e++) expect(chained[e]).toBeCloseTo(product[e] as number, 15);
    // epoch 7: exponential scales the (zero) rate, then cosine adds its restart term
    // (base − ηmin)(1 − cos(π/6))/2 unscaled: 6.70e-4, PyTorch's value
    expect(chained[7]).toBeCloseTo((0.01 * (1 - Math.cos(Math.PI / 6))) / 2, 15);
    expect(product[7]).toBeCloseTo(2.43e-4, 6);
  });
});

describe("new schedules: what they refuse", () => {
  it("one-cycle refuses to step past totalSteps, as PyTorch", () => {
    const schedule = oneCycleLr({ maxLr: 0.1, totalSteps: 2, cycleMomentum: false });
    let state = schedule.init(0.1);
    state = schedule.step(schedule.step(state));
    expect(() => schedule.step(state)).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: oneCycleLr: stepped 4 times, but totalSteps is 2; raise totalSteps or stop stepping]`,
    );
  });

  it("a cycled momentum needs an optimizer with momentum or betas", () => {
    const optimizer = new Optimizer([zeros([1])], adagrad({ lr: 0.1 }));
    expect(
      () => new Scheduler(optimizer, cyclicLr({ baseLr: 0.01, maxLr: 0.1 })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: cyclicLr: cycles the momentum, but the optimizer has neither momentum nor betas; pass cycleMomentum: false]`,
    );
  });

  it("lambda and multiplicative take functions from code; a bad lrLambda is named", () => {
    expect(() => lambdaLr({ lrLambda: 0.5 as never })).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: lambdaLr: lrLambda must be a function of the epoch, got 0.5]`,
    );
    const decay = multiplicativeLr({ lrLambda: (epoch) => 1 / (epoch + 1) });
    let state = decay.init(1);
    state = decay.step(decay.step(state)); // 1 · 1/2 · 1/3
    expect(state.lr).toBeCloseTo(1 / 6, 15);
  });
});
