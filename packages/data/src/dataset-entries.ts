/**
 * The browser-safe datasets as registry entries (kind `dataset`): the
 * synthetic sources, each with its generating truth attached so a fit can be
 * checked against it. The real datasets and files are in the node entry.
 */
import { defineEntry, z } from "@recurrent/registry";
import type { SeriesDataset, TaskDataset, TokensDataset } from "./dataset.js";
import { addingTaskBaselineLoss, addingTaskBatches } from "./synthetic/adding-task.js";
import { arProcess } from "./synthetic/ar-process.js";
import { type CopyTaskInfo, copyTaskBatches, copyTaskInfo } from "./synthetic/copy-task.js";
import { markovChain } from "./synthetic/markov-chain.js";
import { noisySine, sineSignal } from "./synthetic/noisy-sine.js";

const seed = z.number().int().default(0).describe("seed of the random numbers");

export const noisySineEntry = defineEntry({
  kind: "dataset",
  name: "noisy-sine",
  description: "x_t = sin(0.01 t) + N(0, 0.2²), t = 1…1000 (d2l §8.1)",
  schema: z.object({
    length: z.number().int().min(1).default(1000),
    frequency: z.number().default(0.01),
    noiseStd: z.number().min(0).default(0.2),
    seed,
  }),
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
  schema: z.object({
    coefficients: z.array(z.number()).min(1).default([0.6, -0.2]),
    intercept: z.number().default(0),
    noiseStd: z.number().min(0).default(1),
    length: z.number().int().min(1).default(1000),
    burnIn: z.number().int().min(0).default(100),
    seed,
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
      coefficients: config.coefficients,
      intercept: config.intercept,
      noiseStd: config.noiseStd,
    },
  }),
});

export const markovChainEntry = defineEntry({
  kind: "dataset",
  name: "markov-chain",
  description: "states of a Markov chain with a given transition matrix, as token ids",
  schema: z.object({
    transition: z
      .array(z.array(z.number().min(0)))
      .min(1)
      .default([
        [0.8, 0.1, 0.1],
        [0.2, 0.6, 0.2],
        [0.3, 0.3, 0.4],
      ]),
    initial: z.array(z.number().min(0)).optional(),
    length: z.number().int().min(1).default(10000),
    seed,
  }),
  create: async (config): Promise<TokensDataset<{ transition: number[][] }>> => ({
    type: "tokens",
    name: "markov-chain",
    description: `a ${config.transition.length}-state Markov chain`,
    tokens: markovChain(config),
    vocabularySize: config.transition.length,
    truth: { transition: config.transition },
  }),
});

export const copyTaskEntry = defineEntry({
  kind: "dataset",
  name: "copy-task",
  description: "remember `length` symbols across `delay` steps, then write them back",
  schema: z.object({
    length: z.number().int().min(1).default(10),
    delay: z.number().int().min(1).default(100),
    symbols: z.number().int().min(1).default(8),
    seed,
  }),
  create: async (config): Promise<TaskDataset<CopyTaskInfo>> => ({
    type: "task",
    name: "copy-task",
    description: `copy ${config.length} of ${config.symbols} symbols after ${config.delay} steps`,
    inputs: "tokens",
    info: copyTaskInfo(config),
    batches: (options) =>
      copyTaskBatches({ ...config, ...options, seed: options.seed ?? config.seed }),
  }),
});

export const addingTaskEntry = defineEntry({
  kind: "dataset",
  name: "adding-task",
  description: "sum the two marked values of a sequence of U(0, 1) values",
  schema: z.object({ length: z.number().int().min(2).default(100), seed }),
  create: async (config): Promise<TaskDataset<{ length: number }>> => ({
    type: "task",
    name: "adding-task",
    description: `the adding problem over ${config.length} steps`,
    inputs: "values",
    info: { length: config.length, baselineLoss: addingTaskBaselineLoss },
    batches: (options) =>
      addingTaskBatches({ ...config, ...options, seed: options.seed ?? config.seed }),
  }),
});
