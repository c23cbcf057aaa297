/**
 * The schedule entries of the registry (kind `schedule`). Each reuses the
 * schema declared next to its schedule (defaults, bounds and a description
 * per option, parsed by the plain function too), so a trainer config fails
 * before training starts. The composed `sequential`, `chained` and
 * `product` take any registered schedules as members, configured inline
 * (`{ name: "cosine-annealing", tMax: 95 }`) and validated by the registry
 * with the rest of the config. Each entry creates a pure `Schedule` for a
 * `Scheduler`.
 */
import {
  defineEntry,
  type EntryConfig,
  type MemberRef,
  type Registry,
  z,
} from "@recurrent/registry";
import {
  type AnySchedule,
  chainedLr,
  productLr,
  sequentialLr,
  sequentialSchema,
} from "./schedules/compose.js";
import { constantLr, constantLrSchema } from "./schedules/constant.js";
import { cosineAnnealingLr, cosineAnnealingLrSchema } from "./schedules/cosine-annealing.js";
import { cyclicLr, cyclicLrSchema } from "./schedules/cyclic.js";
import {
  exponentialLr,
  exponentialLrSchema,
  multiStepLr,
  multiStepLrSchema,
  stepLr,
  stepLrSchema,
} from "./schedules/decay.js";
import { constantFactor, multiplicativeLr } from "./schedules/lambda.js";
import { linearLr, linearLrSchema } from "./schedules/linear.js";
import { oneCycleLr, oneCycleLrSchema } from "./schedules/one-cycle.js";
import { polynomialLr, polynomialLrSchema } from "./schedules/polynomial.js";
import { reduceLrOnPlateau, reduceLrOnPlateauSchema } from "./schedules/reduce-on-plateau.js";
import {
  cosineAnnealingWarmRestarts,
  cosineAnnealingWarmRestartsSchema,
} from "./schedules/warm-restarts.js";

export const stepEntry = defineEntry({
  kind: "schedule",
  name: "step",
  description: "decay by gamma every stepSize epochs (torch StepLR)",
  schema: stepLrSchema,
  create: (config) => stepLr(config),
});

export const multiStepEntry = defineEntry({
  kind: "schedule",
  name: "multi-step",
  description: "decay by gamma at each milestone (torch MultiStepLR)",
  schema: multiStepLrSchema,
  create: (config) => multiStepLr(config),
});

export const exponentialEntry = defineEntry({
  kind: "schedule",
  name: "exponential",
  description: "decay by gamma every epoch (torch ExponentialLR)",
  schema: exponentialLrSchema,
  create: (config) => exponentialLr(config),
});

export const cosineAnnealingEntry = defineEntry({
  kind: "schedule",
  name: "cosine-annealing",
  description:
    "cosine from the base rate down to etaMin over tMax epochs (torch CosineAnnealingLR, closed form)",
  schema: cosineAnnealingLrSchema,
  create: (config) => cosineAnnealingLr(config),
});

export const linearEntry = defineEntry({
  kind: "schedule",
  name: "linear",
  description: "linear warm-up (or decay) of the rate's factor (torch LinearLR)",
  schema: linearLrSchema,
  create: (config) => linearLr(config),
});

export const reduceOnPlateauEntry = defineEntry({
  kind: "schedule",
  name: "reduce-on-plateau",
  description: "reduce the rate when a metric stops improving (torch ReduceLROnPlateau)",
  schema: reduceLrOnPlateauSchema,
  create: (config) => reduceLrOnPlateau(config),
});

export const constantEntry = defineEntry({
  kind: "schedule",
  name: "constant",
  description:
    "a constant factor of the rate until totalIters, then the full rate (torch ConstantLR)",
  schema: constantLrSchema,
  create: (config) => constantLr(config),
});

export const polynomialEntry = defineEntry({
  kind: "schedule",
  name: "polynomial",
  description: "polynomial decay to 0 over totalIters epochs (torch PolynomialLR)",
  schema: polynomialLrSchema,
  create: (config) => polynomialLr(config),
});

export const multiplicativeEntry = defineEntry({
  kind: "schedule",
  name: "multiplicative",
  description:
    "multiply the rate by a constant factor every epoch (torch MultiplicativeLR; a function lrLambda only from code, multiplicativeLr)",
  schema: z.object({ factor: constantFactor }),
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
  schema: cosineAnnealingWarmRestartsSchema,
  create: (config) => cosineAnnealingWarmRestarts(config),
});

export const cyclicEntry = defineEntry({
  kind: "schedule",
  name: "cyclic",
  description:
    "the rate cycles between baseLr and maxLr, the momentum the other way (torch CyclicLR)",
  schema: cyclicLrSchema,
  create: (config) => cyclicLr(config),
});

export const oneCycleEntry = defineEntry({
  kind: "schedule",
  name: "one-cycle",
  description:
    "one cycle: warm up to maxLr, anneal far below, momentum the other way (torch OneCycleLR)",
  schema: oneCycleLrSchema,
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
  schema: sequentialSchema(member),
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
