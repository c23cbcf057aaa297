/**
 * The registry entries of @recurrent/nn: losses (kind `loss`) and
 * initialisers (kind `initializer`), each with a zod schema that validates
 * and fills its config, so a trainer config can name them
 * (`loss: { name: "cross-entropy", labelSmoothing: 0.1 }`) and fail before
 * training on a typo.
 *
 * A loss entry creates `(prediction, target, { mask }?) => Tensor`; an
 * initializer entry creates an `Initializer`.
 */
import { defineEntry, definePlugin, z } from "@recurrent/registry";
import type { Tensor } from "@recurrent/tensor";
import { nonlinearities } from "./init/fan.js";
import { forgetGateBias } from "./init/forget-gate.js";
import type { Initializer } from "./init/initializers.js";
import {
  constantInit,
  kaimingNormal,
  kaimingUniform,
  normal,
  recurrentUniform,
  uniform,
  xavierNormal,
  xavierUniform,
  zerosInit,
} from "./init/initializers.js";
import { orthogonal } from "./init/orthogonal.js";
import { crossEntropy } from "./losses/cross-entropy.js";
import { reductions } from "./losses/reduction.js";
import { l1Loss, mseLoss } from "./losses/regression.js";

/** What a loss entry makes: a loss of a prediction and a target, with an optional mask. */
export type LossFn = (prediction: Tensor, target: Tensor, options?: { mask?: Tensor }) => Tensor;

const reduction = z
  .enum(reductions)
  .default("mean")
  .describe('"mean" over the positions that count, "sum", or "none"');

export const crossEntropyEntry = defineEntry({
  kind: "loss",
  name: "cross-entropy",
  description:
    "cross-entropy over logits [..., classes] and int32 targets or class probabilities, as PyTorch's F.cross_entropy (ignoreIndex, label smoothing, class weights, masks)",
  schema: z.object({
    ignoreIndex: z.number().int().default(-100).describe("targets equal to this are skipped"),
    labelSmoothing: z.number().min(0).max(1).default(0).describe("ε: target = (1−ε)·onehot + ε/C"),
    weight: z
      .array(z.number().min(0))
      .optional()
      .describe("a weight per class (PyTorch's weight), one number per class of the vocabulary"),
    reduction,
  }),
  create:
    (config): LossFn =>
    (logits, targets, options) =>
      crossEntropy(logits, targets, {
        ...(config.weight === undefined ? {} : { weight: config.weight }),
        ignoreIndex: config.ignoreIndex,
        labelSmoothing: config.labelSmoothing,
        reduction: config.reduction,
        ...(options?.mask ? { mask: options.mask } : {}),
      }),
});

export const mseEntry = defineEntry({
  kind: "loss",
  name: "mse",
  description: "mean squared error, as PyTorch's F.mse_loss, with masks",
  schema: z.object({ reduction }),
  create:
    (config): LossFn =>
    (prediction, target, options) =>
      mseLoss(prediction, target, { ...config, ...(options?.mask ? { mask: options.mask } : {}) }),
});

export const l1Entry = defineEntry({
  kind: "loss",
  name: "l1",
  description: "mean absolute error (MAE), as PyTorch's F.l1_loss, with masks",
  schema: z.object({ reduction }),
  create:
    (config): LossFn =>
    (prediction, target, options) =>
      l1Loss(prediction, target, { ...config, ...(options?.mask ? { mask: options.mask } : {}) }),
});

const gain = z.number().default(1).describe("scale of the result (see calculateGain)");
const kaimingSchema = z.object({
  a: z.number().default(0).describe("negative slope of the following leaky_relu"),
  mode: z
    .enum(["fan_in", "fan_out"])
    .default("fan_in")
    .describe("preserve forward or backward variance"),
  nonlinearity: z
    .enum(nonlinearities)
    .default("leaky_relu")
    .describe("the activation after this layer"),
});

type KaimingConfig = z.output<typeof kaimingSchema>;
const kaimingOptions = (c: KaimingConfig) => ({
  a: c.a,
  mode: c.mode,
  nonlinearity: c.nonlinearity as (typeof nonlinearities)[number],
});

export const recurrentDefaultEntry = defineEntry({
  kind: "initializer",
  name: "recurrent-default",
  description: "PyTorch's default for RNN/LSTM/GRU weights and biases: U(±1/√hidden)",
  schema: z.object({ hidden: z.number().int().positive().describe("hidden size of the layer") }),
  create: (c) => recurrentUniform(c),
});

export const uniformEntry = defineEntry({
  kind: "initializer",
  name: "uniform",
  description: "uniform on [low, high)",
  schema: z.object({ low: z.number().default(0), high: z.number().default(1) }),
  create: (c) => uniform(c),
});

export const normalEntry = defineEntry({
  kind: "initializer",
  name: "normal",
  description: "normal N(mean, std²)",
  schema: z.object({ mean: z.number().default(0), std: z.number().min(0).default(1) }),
  create: (c) => normal(c),
});

export const xavierUniformEntry = defineEntry({
  kind: "initializer",
  name: "xavier-uniform",
  description: "Glorot/Xavier uniform: U(±gain·√(6/(fanIn+fanOut)))",
  schema: z.object({ gain }),
  create: (c) => xavierUniform(c),
});

export const xavierNormalEntry = defineEntry({
  kind: "initializer",
  name: "xavier-normal",
  description: "Glorot/Xavier normal: N(0, gain²·2/(fanIn+fanOut))",
  schema: z.object({ gain }),
  create: (c) => xavierNormal(c),
});

export const kaimingUniformEntry = defineEntry({
  kind: "initializer",
  name: "kaiming-uniform",
  description: "He/Kaiming uniform: U(±gain·√(3/fan)), PyTorch's defaults",
  schema: kaimingSchema,
  create: (c) => kaimingUniform(kaimingOptions(c)),
});

export const kaimingNormalEntry = defineEntry({
  kind: "initializer",
  name: "kaiming-normal",
  description: "He/Kaiming normal: N(0, gain²/fan), PyTorch's defaults",
  schema: kaimingSchema,
  create: (c) => kaimingNormal(kaimingOptions(c)),
});

export const orthogonalEntry = defineEntry({
  kind: "initializer",
  name: "orthogonal",
  description:
    "orthogonal rows or columns: Q of the QR of a normal matrix, signs as PyTorch, times gain",
  schema: z.object({ gain }),
  create: (c) => orthogonal(c),
});

export const zerosEntry = defineEntry({
  kind: "initializer",
  name: "zeros",
  description: "all zeros (PyTorch's usual bias when not uniform)",
  create: () => zerosInit(),
});

export const constantEntry = defineEntry({
  kind: "initializer",
  name: "constant",
  description: "every element the same value",
  schema: z.object({ value: z.number().describe("the value") }),
  create: (c) => constantInit(c),
});

export const lstmForgetBiasEntry = defineEntry({
  kind: "initializer",
  name: "lstm-forget-bias",
  description:
    "LSTM bias [4·hidden] (gates i, f, g, o): zeros, with the forget-gate quarter set to value",
  schema: z.object({ value: z.number().default(1).describe("the forget-gate bias") }),
  create: (c) => forgetGateBias(c),
});

export const initializerEntries = [
  recurrentDefaultEntry,
  uniformEntry,
  normalEntry,
  xavierUniformEntry,
  xavierNormalEntry,
  kaimingUniformEntry,
  kaimingNormalEntry,
  orthogonalEntry,
  zerosEntry,
  constantEntry,
  lstmForgetBiasEntry,
] as const;

export const lossEntries = [crossEntropyEntry, mseEntry, l1Entry] as const;

/**
 * The built-in losses and initialisers of @recurrent/nn.
 *
 * @example
 * const registry = createRegistry().use(nnPlugin);
 * const loss = registry.create("loss", "cross-entropy", { labelSmoothing: 0.1 });
 */
export const nnPlugin = definePlugin({
  name: "@recurrent/nn",
  entries: [...lossEntries, ...initializerEntries],
});

declare module "@recurrent/registry" {
  interface KindValues {
    loss: LossFn;
    initializer: Initializer;
  }
  interface LossTypes {
    "cross-entropy": typeof crossEntropyEntry;
    mse: typeof mseEntry;
    l1: typeof l1Entry;
  }
  interface InitializerTypes {
    "recurrent-default": typeof recurrentDefaultEntry;
    uniform: typeof uniformEntry;
    normal: typeof normalEntry;
    "xavier-uniform": typeof xavierUniformEntry;
    "xavier-normal": typeof xavierNormalEntry;
    "kaiming-uniform": typeof kaimingUniformEntry;
    "kaiming-normal": typeof kaimingNormalEntry;
    orthogonal: typeof orthogonalEntry;
    zeros: typeof zerosEntry;
    constant: typeof constantEntry;
    "lstm-forget-bias": typeof lstmForgetBiasEntry;
  }
}
