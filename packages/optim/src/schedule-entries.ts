/**
 * The schedule entries of the registry (kind `schedule`), including the
 * composed `sequential` and `chained`, whose members are configured inline
 * (`{ name: "cosine-annealing", tMax: 95 }`) and validated with the rest of
 * the config. Each entry creates a pure `Schedule` for a `Scheduler`.
 */
import { defineEntry, z } from "@recurrent/registry";
import { type AnySchedule, chainedLr, sequentialLr } from "./schedules/compose.js";
import { cosineAnnealingLr } from "./schedules/cosine-annealing.js";
import { exponentialLr, multiStepLr, stepLr } from "./schedules/decay.js";
import { linearLr } from "./schedules/linear.js";
import { reduceLrOnPlateau } from "./schedules/reduce-on-plateau.js";

const gamma = z.number().min(0).describe("multiplicative factor");
const increasing = (values: readonly number[]) =>
  values.every((v, i) => i === 0 || v >= (values[i - 1] as number));

const stepShape = {
  stepSize: z.number().int().min(1).describe("decay every stepSize epochs"),
  gamma: gamma.default(0.1),
};
const multiStepShape = {
  milestones: z
    .array(z.number().int().min(1))
    .refine(increasing, { message: "must be in increasing order" })
    .describe("epochs at which to decay"),
  gamma: gamma.default(0.1),
};
const exponentialShape = { gamma };
const cosineShape = {
  tMax: z.number().int().min(1).describe("epochs from the base rate down to etaMin"),
  etaMin: z.number().min(0).default(0).describe("the lowest learning rate"),
};
const linearShape = {
  startFactor: z
    .number()
    .min(0)
    .max(1)
    .default(1 / 3)
    .describe("factor at epoch 0"),
  endFactor: z.number().min(0).max(1).default(1).describe("factor from totalIters on"),
  totalIters: z.number().int().min(1).default(5).describe("epochs from startFactor to endFactor"),
};
const plateauShape = {
  mode: z
    .enum(["min", "max"])
    .default("min")
    .describe("reduce when the metric stops decreasing (min) or increasing (max)"),
  factor: z.number().min(0).lt(1).default(0.1).describe("new lr = lr · factor"),
  patience: z.number().int().min(0).default(10).describe("epochs without improvement to tolerate"),
  threshold: z.number().min(0).default(1e-4).describe("how much better counts as better"),
  thresholdMode: z
    .enum(["rel", "abs"])
    .default("rel")
    .describe("threshold relative to the best, or absolute"),
  cooldown: z.number().int().min(0).default(0).describe("epochs to wait after a reduction"),
  minLr: z.number().min(0).default(0).describe("lower bound on the learning rate"),
  eps: z.number().min(0).default(1e-8).describe("reductions smaller than this are skipped"),
};

export const stepEntry = defineEntry({
  kind: "schedule",
  name: "step",
  description: "decay by gamma every stepSize epochs (torch StepLR)",
  schema: z.object(stepShape),
  create: (config) => stepLr(config),
});

export const multiStepEntry = defineEntry({
  kind: "schedule",
  name: "multi-step",
  description: "decay by gamma at each milestone (torch MultiStepLR)",
  schema: z.object(multiStepShape),
  create: (config) => multiStepLr(config),
});

export const exponentialEntry = defineEntry({
  kind: "schedule",
  name: "exponential",
  description: "decay by gamma every epoch (torch ExponentialLR)",
  schema: z.object(exponentialShape),
  create: (config) => exponentialLr(config),
});

export const cosineAnnealingEntry = defineEntry({
  kind: "schedule",
  name: "cosine-annealing",
  description:
    "cosine from the base rate down to etaMin over tMax epochs (torch CosineAnnealingLR, closed form)",
  schema: z.object(cosineShape),
  create: (config) => cosineAnnealingLr(config),
});

export const linearEntry = defineEntry({
  kind: "schedule",
  name: "linear",
  description: "linear warm-up (or decay) of the rate's factor (torch LinearLR)",
  schema: z.object(linearShape),
  create: (config) => linearLr(config),
});

export const reduceOnPlateauEntry = defineEntry({
  kind: "schedule",
  name: "reduce-on-plateau",
  description: "reduce the rate when a metric stops improving (torch ReduceLROnPlateau)",
  schema: z.object(plateauShape),
  create: (config) => reduceLrOnPlateau(config),
});

/** A member of a composed schedule: `{ name: "cosine-annealing", tMax: 95 }`. */
const member = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("step"), ...stepShape }),
  z.strictObject({ name: z.literal("multi-step"), ...multiStepShape }),
  z.strictObject({ name: z.literal("exponential"), ...exponentialShape }),
  z.strictObject({ name: z.literal("cosine-annealing"), ...cosineShape }),
  z.strictObject({ name: z.literal("linear"), ...linearShape }),
  z.strictObject({ name: z.literal("reduce-on-plateau"), ...plateauShape }),
]);
type Member = z.output<typeof member>;

function buildMember(config: Member): AnySchedule {
  switch (config.name) {
    case "step":
      return stepLr(options(config));
    case "multi-step":
      return multiStepLr(options(config));
    case "exponential":
      return exponentialLr(options(config));
    case "cosine-annealing":
      return cosineAnnealingLr(options(config));
    case "linear":
      return linearLr(options(config));
    case "reduce-on-plateau":
      return reduceLrOnPlateau(options(config));
  }
}

/** A member's config without its `name`. */
function options<T extends { name: string }>(config: T): Omit<T, "name"> {
  const { name: _, ...rest } = config;
  return rest;
}

export const sequentialEntry = defineEntry({
  kind: "schedule",
  name: "sequential",
  description: "one schedule after another, switching at milestones (torch SequentialLR)",
  schema: z
    .object({
      schedules: z
        .array(member)
        .min(1)
        .describe(
          'the schedules, e.g. [{ name: "linear", totalIters: 5 }, { name: "cosine-annealing", tMax: 95 }]',
        ),
      milestones: z
        .array(z.number().int().min(1))
        .refine(increasing, { message: "must be in increasing order" })
        .describe("epochs at which the next schedule takes over (one fewer than schedules)"),
    })
    .superRefine((c, ctx) => {
      if (c.milestones.length !== c.schedules.length - 1) {
        ctx.addIssue({
          code: "custom",
          path: ["milestones"],
          message: `expected ${c.schedules.length - 1} for ${c.schedules.length} schedules (one fewer)`,
        });
      }
    }),
  create: (config) => sequentialLr(config.schedules.map(buildMember), config.milestones),
});

export const chainedEntry = defineEntry({
  kind: "schedule",
  name: "chained",
  description: "schedules run together, their factors multiplied (torch ChainedScheduler)",
  schema: z.object({
    schedules: z.array(member).min(1).describe("the schedules whose factors multiply"),
  }),
  create: (config) => chainedLr(config.schedules.map(buildMember)),
});
