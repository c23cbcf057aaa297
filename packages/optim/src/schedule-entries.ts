/**
 * The schedule entries of the registry (kind `schedule`), including the
 * composed `sequential`, `chained` and `product`, whose members are any
 * registered schedules, configured inline (`{ name: "cosine-annealing",
 * tMax: 95 }`) and validated by the registry with the rest of the config. Each entry creates a pure `Schedule` for a `Scheduler`.
 */
import {
  defineEntry,
  type EntryConfig,
  type MemberRef,
  type Registry,
  z,
} from "@recurrent/registry";
import { type AnySchedule, chainedLr, productLr, sequentialLr } from "./schedules/compose.js";
import { constantLr } from "./schedules/constant.js";
import { cosineAnnealingLr } from "./schedules/cosine-annealing.js";
import { cyclicLr } from "./schedules/cyclic.js";
import { exponentialLr, multiStepLr, stepLr } from "./schedules/decay.js";
import { multiplicativeLr } from "./schedules/lambda.js";
import { linearLr } from "./schedules/linear.js";
import { oneCycleLr } from "./schedules/one-cycle.js";
import { polynomialLr } from "./schedules/polynomial.js";
import { reduceLrOnPlateau } from "./schedules/reduce-on-plateau.js";
import { cosineAnnealingWarmRestarts } from "./schedules/warm-restarts.js";

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

const constantShape = {
  factor: z
    .number()
    .min(0)
    .max(1)
    .default(1 / 3)
    .describe("factor until totalIters"),
  totalIters: z.number().int().min(1).default(5).describe("epochs at the reduced rate"),
};
const polynomialShape = {
  totalIters: z.number().int().min(1).default(5).describe("epochs from the base rate down to 0"),
  power: z.number().min(0).default(1).describe("power of the decay (1 is linear)"),
};
const multiplicativeShape = {
  factor: z.number().min(0).describe("lr ← lr · factor every epoch (a constant lrLambda)"),
};
const warmRestartsShape = {
  t0: z.number().int().min(1).describe("epochs of the first cycle"),
  tMult: z.number().int().min(1).default(1).describe("each cycle is tMult times the previous"),
  etaMin: z.number().min(0).default(0).describe("the lowest learning rate"),
};
const momentumShape = (base: number, max: number) => ({
  cycleMomentum: z
    .boolean()
    .default(true)
    .describe("cycle the momentum (SGD/RMSprop momentum, Adam's beta1) inversely to the rate"),
  baseMomentum: z.number().min(0).lt(1).default(base).describe("momentum at the peak rate"),
  maxMomentum: z.number().min(0).lt(1).default(max).describe("momentum at the lowest rate"),
});
const cyclicShape = {
  baseLr: z.number().min(0).describe("lower bound of the rate (and the rate at step 0)"),
  maxLr: z.number().min(0).describe("upper bound of the rate"),
  stepSizeUp: z.number().int().min(1).default(2000).describe("steps from baseLr up to maxLr"),
  stepSizeDown: z
    .number()
    .int()
    .min(1)
    .nullable()
    .default(null)
    .describe("steps from maxLr down to baseLr (stepSizeUp when null)"),
  mode: z
    .enum(["triangular", "triangular2", "exp_range"])
    .default("triangular")
    .describe("amplitude: constant, halved each cycle, or × gamma^step"),
  gamma: z.number().positive().default(1).describe("base of exp_range's scaling"),
  ...momentumShape(0.8, 0.9),
};
const oneCycleShape = {
  maxLr: z.number().positive().describe("the peak rate"),
  totalSteps: z.number().int().min(1).describe("steps in the cycle (train.steps)"),
  pctStart: z.number().min(0).max(1).default(0.3).describe("fraction of the steps warming up"),
  annealStrategy: z.enum(["cos", "linear"]).default("cos").describe("annealing shape"),
  ...momentumShape(0.85, 0.95),
  divFactor: z.number().positive().default(25).describe("the starting rate is maxLr / divFactor"),
  finalDivFactor: z
    .number()
    .positive()
    .default(1e4)
    .describe("the final rate is the starting rate / finalDivFactor"),
  threePhase: z.boolean().default(false).describe("warm up, come back down, then anneal"),
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

export const constantEntry = defineEntry({
  kind: "schedule",
  name: "constant",
  description:
    "a constant factor of the rate until totalIters, then the full rate (torch ConstantLR)",
  schema: z.object(constantShape),
  create: (config) => constantLr(config),
});

export const polynomialEntry = defineEntry({
  kind: "schedule",
  name: "polynomial",
  description: "polynomial decay to 0 over totalIters epochs (torch PolynomialLR)",
  schema: z.object(polynomialShape),
  create: (config) => polynomialLr(config),
});

export const multiplicativeEntry = defineEntry({
  kind: "schedule",
  name: "multiplicative",
  description:
    "multiply the rate by a constant factor every epoch (torch MultiplicativeLR; a function lrLambda only from code, multiplicativeLr)",
  schema: z.object(multiplicativeShape),
  create: (config) => multiplicativeLr({ lrLambda: config.factor }),
});

export const lambdaEntry = defineEntry({
  kind: "schedule",
  name: "lambda",
  description:
    "lr = base · lrLambda(epoch) (torch LambdaLR): a function, so from code only (lambdaLr); a config cannot hold one",
  schema: z.object({}).superRefine((_, ctx) => {
    ctx.addIssue({
      code: "custom",
      message:
        'a config cannot hold a function: use lambdaLr({ lrLambda }) from code, or "multiplicative", "linear", "polynomial" or "one-cycle" here',
    });
  }),
  create: () => {
    throw new Error(
      "lambda: a config cannot hold a function; use lambdaLr({ lrLambda }) from code",
    );
  },
});

export const warmRestartsEntry = defineEntry({
  kind: "schedule",
  name: "cosine-warm-restarts",
  description:
    "cosine annealing restarted every t0 · tMult^k epochs (torch CosineAnnealingWarmRestarts)",
  schema: z.object(warmRestartsShape),
  create: (config) => cosineAnnealingWarmRestarts(config),
});

export const cyclicEntry = defineEntry({
  kind: "schedule",
  name: "cyclic",
  description:
    "the rate cycles between baseLr and maxLr, the momentum the other way (torch CyclicLR)",
  schema: z.object(cyclicShape),
  create: (config) => cyclicLr(config),
});

export const oneCycleEntry = defineEntry({
  kind: "schedule",
  name: "one-cycle",
  description:
    "one cycle: warm up to maxLr, anneal far below, momentum the other way (torch OneCycleLR)",
  schema: z.object(oneCycleShape),
  create: (config) => oneCycleLr(config),
});

/**
 * A member of a composed schedule: any registered schedule, a plugin's
 * included, as `{ name: "cosine-annealing", tMax: 95 }`. The registry
 * validates each member with its own entry's schema (see `members` below)
 * and hands the factory the members parsed, which it creates by name.
 */
const member = z
  .looseObject({ name: z.string().min(1).describe("a registered schedule") })
  .describe("a schedule: { name, ...options }");

/** Where the members sit: `schedules[i]`, each a schedule entry. */
const scheduleMembers = (config: unknown): readonly MemberRef[] => {
  const schedules = (config as { schedules?: unknown } | null)?.schedules;
  return Array.isArray(schedules)
    ? schedules.map((_, i) => ({ kind: "schedule", path: ["schedules", i] }))
    : [];
};

/** The members, created through the registry they were registered in. */
const createMembers = (members: readonly EntryConfig[], registry: Registry): AnySchedule[] =>
  members.map((m) => registry.createEntry("schedule", m));

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
  members: scheduleMembers,
  create: (config, { registry }) =>
    sequentialLr(createMembers(config.schedules, registry), config.milestones),
});

export const chainedEntry = defineEntry({
  kind: "schedule",
  name: "chained",
  description:
    "schedules run together, each stepping the rate the previous left (torch ChainedScheduler)",
  schema: z.object({
    schedules: z.array(member).min(1).describe("the schedules, stepped in this order"),
  }),
  members: scheduleMembers,
  create: (config, { registry }) => chainedLr(createMembers(config.schedules, registry)),
});

export const productEntry = defineEntry({
  kind: "schedule",
  name: "product",
  description:
    "schedules run together, lr = base · the product of their factors (chained's closed form; differs past a cosine minimum)",
  schema: z.object({
    schedules: z.array(member).min(1).describe("the schedules whose factors multiply"),
  }),
  members: scheduleMembers,
  create: (config, { registry }) => productLr(createMembers(config.schedules, registry)),
});
