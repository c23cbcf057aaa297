/**
 * The browser-safe datasets as registry entries (kind `dataset`): the
 * synthetic sources, each with its generating truth attached so a fit can be
 * checked against it. Each entry's schema is the one its generator parses
 * (declared next to it); an entry only adds what a config needs beyond code:
 * a seed for the task streams, example coefficients and matrices.
 * The real datasets and files are in the node entry.
 */
import { defineEntry, z } from "@recurrent/registry";
import type { SeriesDataset, TaskDataset, TokensDataset } from "./dataset.js";
import { seedOption } from "./seed.js";
import {
  addingTaskBaselineLoss,
  addingTaskBatches,
  addingTaskSchema,
} from "./synthetic/adding-task.js";
import { arProcess, arProcessSchema } from "./synthetic/ar-process.js";
import {
  type CopyTaskInfo,
  copyTaskBatches,
  copyTaskInfo,
  copyTaskSchema,
} from "./synthetic/copy-task.js";
import { markovChain, markovChainRules, markovChainSchema } from "./synthetic/markov-chain.js";
import { noisySine, noisySineSchema, sineSignal } from "./synthetic/noisy-sine.js";

export const noisySineEntry = defineEntry({
  kind: "dataset",
  name: "noisy-sine",
  description: "x_t = sin(0.01 t) + N(0, 0.2²), t = 1…1000 (d2l §8.1)",
  schema: noisySineSchema,
  create: async (config): Promise<SeriesDataset<{ signal: Float64Array; noiseStd: number }>> => ({
    type: "series",
    name: "noisy-sine",
    description: `sin(${config.frequency} t) + N(0, ${config.noiseStd}²), t = 1…${config.length}`,
    values: noisySine(config),
    column: "x",
    truth: { signal: sineSignal(config.length, config.frequency), noiseStd: config.noiseStd },
  }),
});

export const arProcessEntry = defineEntry({
  kind: "dataset",
  name: "ar-process",
  description: "AR(p): x_t = c + φ₁x_{t−1} + … + φ_p x_{t−p} + N(0, σ²) with given φ",
  schema: arProcessSchema.extend({
    coefficients: arProcessSchema.shape.coefficients.default([0.6, -0.2]),
  }),
  create: async (
    config,
  ): Promise<SeriesDataset<{ coefficients: number[]; intercept: number; noiseStd: number }>> => ({
    type: "series",
    name: "ar-process",
    description: `AR(${config.coefficients.length}) with φ = [${config.coefficients.join(", ")}]`,
    values: arProcess(config),
    column: "x",
    truth: {
      coefficients: [...config.coefficients],
      intercept: config.intercept,
      noiseStd: config.noiseStd,
    },
  }),
});

export const markovChainEntry = defineEntry({
  kind: "dataset",
  name: "markov-chain",
  description: "states of a Markov chain with a given transition matrix, as token ids",
  // markovChain's fields and rules; a config gets an example 3-state chain, and 10000
  // states where code gets 1000.
  schema: z
    .object({
      ...markovChainSchema.shape,
      transition: markovChainSchema.shape.transition.default([
        [0.8, 0.1, 0.1],
        [0.2, 0.6, 0.2],
        [0.3, 0.3, 0.4],
      ]),
      length: markovChainSchema.shape.length.removeDefault().default(10000),
    })
    .check(markovChainRules),
  create: async (config): Promise<TokensDataset<{ transition: number[][] }>> => ({
    type: "tokens",
    name: "markov-chain",
    description: `a ${config.transition.length}-state Markov chain`,
    tokens: markovChain(config),
    vocabularySize: config.transition.length,
    truth: { transition: config.transition.map((row) => [...row]) },
  }),
});

export const copyTaskEntry = defineEntry({
  kind: "dataset",
  name: "copy-task",
  description: "remember `length` symbols across `delay` steps, then write them back",
  schema: copyTaskSchema.extend({ seed: seedOption }),
  create: async ({ seed, ...task }): Promise<TaskDataset<CopyTaskInfo>> => ({
    type: "task",
    name: "copy-task",
    description: `copy ${task.length} of ${task.symbols} symbols after ${task.delay} steps`,
    inputs: "tokens",
    info: copyTaskInfo(task),
    batches: (options) => copyTaskBatches({ ...task, ...options, seed: options.seed ?? seed }),
  }),
});

export const addingTaskEntry = defineEntry({
  kind: "dataset",
  name: "adding-task",
  description: "sum the two marked values of a sequence of U(0, 1) values",
  schema: addingTaskSchema.extend({ seed: seedOption }),
  create: async ({ seed, ...task }): Promise<TaskDataset<{ length: number }>> => ({
    type: "task",
    name: "adding-task",
    description: `the adding problem over ${task.length} steps`,
    inputs: "values",
    info: { length: task.length, baselineLoss: addingTaskBaselineLoss },
    batches: (options) => addingTaskBatches({ ...task, ...options, seed: options.seed ?? seed }),
  }),
});
