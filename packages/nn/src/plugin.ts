/**
 * The registry entries of @recurrent/nn: losses (kind `loss`) and
 * initialisers (kind `initializer`), each with the zod schema its plain
 * function parses too (declared next to it), which validates and fills its
 * config, so a trainer config can name them
 * (`loss: { name: "cross-entropy", labelSmoothing: 0.1 }`) and fail before
 * training on a typo.
 *
 * A loss entry creates `(prediction, target, { mask }?) => Tensor`; an
 * initializer entry creates an `Initializer`.
 */
import { defineEntry, definePlugin } from "@recurrent/registry";
import type { Tensor } from "@recurrent/tensor";
import { forgetGateBias, forgetGateBiasSchema } from "./init/forget-gate.js";
import type { Initializer } from "./init/initializers.js";
import {
  constantInit,
  constantInitSchema,
  gainSchema,
  kaimingNormal,
  kaimingSchema,
  kaimingUniform,
  normal,
  normalSchema,
  recurrentUniform,
  recurrentUniformSchema,
  uniform,
  uniformSchema,
  xavierNormal,
  xavierUniform,
  zerosInit,
} from "./init/initializers.js";
import { orthogonal } from "./init/orthogonal.js";
import { crossEntropy, crossEntropySchema } from "./losses/cross-entropy.js";
import { l1Loss, mseLoss, regressionLossSchema } from "./losses/regression.js";

/** What a loss entry makes: a loss of a prediction and a target, with an optional mask. */
export type LossFn = (prediction: Tensor, target: Tensor, options?: { mask?: Tensor }) => Tensor;

export const crossEntropyEntry = defineEntry({
  kind: "loss",
  name: "cross-entropy",
  description:
    "cross-entropy over logits [..., classes] and int32 targets or class probabilities, as PyTorch's F.cross_entropy (ignoreIndex, label smoothing, class weights, masks)",
  schema: crossEntropySchema,
  create:
    (config): LossFn =>
    (logits, targets, options) =>
      crossEntropy(logits, targets, {
        ...config,
        ...(options?.mask ? { mask: options.mask } : {}),
      }),
});

export const mseEntry = defineEntry({
  kind: "loss",
  name: "mse",
  description: "mean squared error, as PyTorch's F.mse_loss, with masks",
  schema: regressionLossSchema,
  create:
    (config): LossFn =>
    (prediction, target, options) =>
      mseLoss(prediction, target, { ...config, ...(options?.mask ? { mask: options.mask } : {}) }),
});

export const l1Entry = defineEntry({
  kind: "loss",
  name: "l1",
  description: "mean absolute error (MAE), as PyTorch's F.l1_loss, with masks",
  schema: regressionLossSchema,
  create:
    (config): LossFn =>
    (prediction, target, options) =>
      l1Loss(prediction, target, { ...config, ...(options?.mask ? { mask: options.mask } : {}) }),
});

export const recurrentDefaultEntry = defineEntry({
  kind: "initializer",
  name: "recurrent-default",
  description: "PyTorch's default for RNN/LSTM/GRU weights and biases: U(±1/√hidden)",
  schema: recurrentUniformSchema,
  create: (c) => recurrentUniform(c),
});

export const uniformEntry = defineEntry({
  kind: "initializer",
  name: "uniform",
  description: "uniform on [low, high)",
  schema: uniformSchema,
  create: (c) => uniform(c),
});

export const normalEntry = defineEntry({
  kind: "initializer",
  name: "normal",
  description: "normal N(mean, std²)",
  schema: normalSchema,
  create: (c) => normal(c),
});

export const xavierUniformEntry = defineEntry({
  kind: "initializer",
  name: "xavier-uniform",
  description: "Glorot/Xavier uniform: U(±gain·√(6/(fanIn+fanOut)))",
  schema: gainSchema,
  create: (c) => xavierUniform(c),
});

export const xavierNormalEntry = defineEntry({
  kind: "initializer",
  name: "xavier-normal",
  description: "Glorot/Xavier normal: N(0, gain²·2/(fanIn+fanOut))",
  schema: gainSchema,
  create: (c) => xavierNormal(c),
});

export const kaimingUniformEntry = defineEntry({
  kind: "initializer",
  name: "kaiming-uniform",
  description: "He/Kaiming uniform: U(±gain·√(3/fan)), PyTorch's defaults",
  schema: kaimingSchema,
  create: (c) => kaimingUniform(c),
});

export const kaimingNormalEntry = defineEntry({
  kind: "initializer",
  name: "kaiming-normal",
  description: "He/Kaiming normal: N(0, gain²/fan), PyTorch's defaults",
  schema: kaimingSchema,
  create: (c) => kaimingNormal(c),
});

export const orthogonalEntry = defineEntry({
  kind: "initializer",
  name: "orthogonal",
  description:
    "orthogonal rows or columns: Q of the QR of a normal matrix, signs as PyTorch, times gain",
  schema: gainSchema,
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
  schema: constantInitSchema,
  create: (c) => constantInit(c),
});

export const lstmForgetBiasEntry = defineEntry({
  kind: "initializer",
  name: "lstm-forget-bias",
  description:
    "LSTM bias [4·hidden] (gates i, f, g, o): zeros, with the forget-gate quarter set to value",
  schema: forgetGateBiasSchema,
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
