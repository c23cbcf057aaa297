// The registry plugin: every optimizer and schedule registered, configs validated with defaults,
// the factories' results usable as-is, and the entries typed through module augmentation.
import {
  type ConfigError,
  createRegistry,
  defineEntry,
  definePlugin,
  describeOptions,
  z,
} from "@recurrent/registry";
import { zeros } from "@recurrent/tensor";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { AdamHyper, AdamState } from "./adam.js";
import { Optimizer } from "./optimizer.js";
import { optimPlugin } from "./plugin.js";
import { exponentialLr } from "./schedules/decay.js";
import type { Schedule, ScheduleState } from "./schedules/schedule.js";
import { Scheduler } from "./schedules/scheduler.js";
import type { Transform } from "./transform.js";

const registry = createRegistry().use(optimPlugin);

describe("optimPlugin", () => {
  it("registers every optimizer and schedule", () => {
    expect(registry.list("optimizer").map((e) => e.name)).toEqual([
      "adagrad",
      "adam",
      "adamw",
      "rmsprop",
      "sgd",
    ]);
    expect(registry.list("schedule").map((e) => e.name)).toEqual([
      "chained",
      "constant",
      "cosine-annealing",
      "cosine-warm-restarts",
      "cyclic",
      "exponential",
      "lambda",
      "linear",
      "multi-step",
      "multiplicative",
      "one-cycle",
      "polynomial",
      "product",
      "reduce-on-plateau",
      "sequential",
      "step",
    ]);
    expect(registry.pluginOf("optimizer", "adam")).toBe("@recurrent/optim");
  });

  it("fills PyTorch's defaults and creates a transform the Optimizer drives", () => {
    const tx = registry.create("optimizer", "adamw", { lr: 3e-3 });
    expectTypeOf(tx).toEqualTypeOf<Transform<AdamState, AdamHyper>>();
    expect(tx.hyper).toEqual({
      lr: 3e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      maximize: false,
    });
    const optimizer = new Optimizer([zeros([2])], tx);
    expect(optimizer.lr).toBe(3e-3);
  });

  it("creates schedules, nested ones included", () => {
    const schedule = registry.create("schedule", "sequential", {
      schedules: [
        { name: "linear", startFactor: 0.1, totalIters: 5 },
        { name: "cosine-annealing", tMax: 25 },
      ],
      milestones: [5],
    });
    expectTypeOf(schedule).toMatchTypeOf<Schedule<ScheduleState, object>>();
    const scheduler = new Scheduler({ lr: 0.1 }, schedule);
    expect(scheduler.lr).toBeCloseTo(0.01, 15);
    for (let k = 0; k < 5; k++) scheduler.step();
    expect(scheduler.lr).toBe(0.1);
    const chained = registry.create("schedule", "chained", {
      schedules: [
        { name: "exponential", gamma: 0.5 },
        { name: "step", stepSize: 1 },
      ],
    });
    expect(chained.step(chained.init(1)).lr).toBeCloseTo(0.05, 15);
  });

  it("takes a plugin's schedule as a member, validated by its own schema", () => {
    const halving = defineEntry({
      kind: "schedule",
      name: "acme/halving",
      description: "halves the rate every step",
      schema: z.object({ factor: z.number().gt(0).lt(1).default(0.5) }),
      create: ({ factor }) => exponentialLr({ gamma: factor }),
    });
    const withPlugin = createRegistry()
      .use(optimPlugin)
      .use(definePlugin({ name: "acme", entries: [halving] }));
    const chained = withPlugin.create("schedule", "chained", {
      schedules: [{ name: "acme/halving" }, { name: "step", stepSize: 1, gamma: 0.5 }],
    });
    // 0.5 from the plugin's member, then 0.5 from step: a quarter after one step.
    expect(chained.step(chained.init(1)).lr).toBeCloseTo(0.25, 15);
    expect(
      withPlugin.check([
        {
          kind: "schedule",
          name: "sequential",
          config: {
            schedules: [{ name: "acme/halving", factor: 2 }, { name: "nope" }],
            milestones: [3],
          },
          path: "schedule",
        },
      ]),
    ).toEqual([
      { path: "schedule.schedules[0].factor", message: "expected < 1, got 2" },
      {
        path: "schedule.schedules[1]",
        message: expect.stringContaining('unknown schedule "nope"'),
      },
    ]);
  });

  it("checks a whole config before training, with every problem", () => {
    expect(
      registry.check([
        {
          kind: "optimizer",
          name: "sgd",
          config: { momentum: 0, nesterov: true },
          path: "optimizer",
        },
        { kind: "optimizer", name: "adam", config: { betas: [0.9, 1] }, path: "optimizer2" },
        {
          kind: "schedule",
          name: "sequential",
          config: {
            schedules: [{ name: "linear" }, { name: "cosine-annealing", tMax: 0 }],
            milestones: [5, 9],
          },
          path: "schedule",
        },
      ]),
    ).toMatchInlineSnapshot(`
      [
        {
          "message": "expected number, got nothing",
          "path": "optimizer.lr",
        },
        {
          "message": "expected < 1, got 1",
          "path": "optimizer2.betas[1]",
        },
        {
          "message": "expected >= 1, got 0",
          "path": "schedule.schedules[1].tMax",
        },
        {
          "message": "expected 1 for 2 schedules (one fewer), got an array of 2",
          "path": "schedule.milestones",
        },
      ]
    `);
    expect(
      registry.check([{ kind: "optimizer", name: "sgd", config: { lr: 0.1, nesterov: true } }]),
    ).toEqual([
      {
        path: "optimizer.nesterov",
        message:
          "requires momentum > 0 and dampening = 0 (momentum is 0, dampening is 0), got true",
      },
    ]);
    expect(
      registry.check([
        {
          kind: "schedule",
          name: "sequential",
          config: { schedules: [{ name: "linear" }], milestones: [5] },
        },
      ]),
    ).toEqual([
      {
        path: "schedule.milestones",
        message: "expected 0 for 1 schedules (one fewer), got an array of 1",
      },
    ]);
  });

  it("rejects a typo with a suggestion", () => {
    try {
      registry.create("optimizer", "rmsprop", { lr: 0.01, centred: true } as never);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).message).toMatchInlineSnapshot(`
        "invalid config for optimizer "rmsprop" (1 problem):
          - centred: unknown option; did you mean "centered"? (options: alpha, centered, eps, lr, maximize, momentum, weightDecay)"
      `);
    }
  });

  it("describes every option with its default", () => {
    const options = describeOptions(registry.get("optimizer", "sgd"));
    expect(options.map((o) => [o.name, o.required, o.default])).toEqual([
      ["lr", true, undefined],
      ["momentum", false, 0],
      ["dampening", false, 0],
      ["weightDecay", false, 0],
      ["nesterov", false, false],
      ["maximize", false, false],
    ]);
    for (const kind of ["optimizer", "schedule"]) {
      for (const entry of registry.list(kind)) {
        for (const option of describeOptions(entry)) {
          expect(option.description, `${entry.name}.${option.name}`).toBeTruthy();
        }
      }
    }
  });
});

describe("schedules a config cannot hold", () => {
  const registry = createRegistry().use(optimPlugin);
  it("lambda says a config cannot hold a function, and what to use instead", () => {
    expect(() => registry.create("schedule", "lambda", {})).toThrowErrorMatchingInlineSnapshot(`
      [ConfigError: invalid config for schedule "lambda" (1 problem):
        - a config cannot hold a function: use lambdaLr({ lrLambda }) from code, or "multiplicative", "linear", "polynomial" or "one-cycle" here, got object]
    `);
  });
  it("multiplicative takes a constant factor", () => {
    const schedule = registry.create("schedule", "multiplicative", { factor: 0.5 });
    const state = schedule.step(schedule.step(schedule.init(1)));
    expect(state.lr).toBe(0.25);
  });
});
