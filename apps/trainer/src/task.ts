/**
 * From a dataset entry to the two tasks the trainer knows:
 *
 * - **language modelling** on tokens: one long text (characters or words)
 *   or a token stream, cut for truncated BPTT by `sequentialBatches`
 *   (state carried) or `randomBatches` (state reset); or independent
 *   sequences (names), framed with <bos> … <eos> and padded into masked
 *   batches (state reset);
 * - **forecasting** a numeric series, scaled with a scaler fitted on the
 *   training split only, cut the same two ways.
 *
 * Splits, tokenizers and scalers are fitted here, or restored from a
 * checkpoint's `data` section so a resumed or evaluated run sees the ids
 * and the scaling it was trained with. Every data problem (a file that is
 * missing, a split too short for the batch) surfaces here, before training.
 */

import { resolve } from "node:path";
import {
  type BatchPosition,
  type Dataset,
  MinMaxScaler,
  type Scaler,
  type ScalerJSON,
  StandardScaler,
  scalerFromJSON,
  sequenceBatches,
  splitByPosition,
  splitShuffled,
  type Tokenizer,
  type TokenizerJSON,
} from "@recurrent/data";
import type { Registry } from "@recurrent/registry";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import { type LongRangeTask, longRangeEvalExamples, longRangeTask } from "./long-range-task.js";
import { checkTextEncoding } from "./text-encoding.js";
import {
  chunks,
  enforcePolicy,
  sequenceStream,
  type TrainStream,
  tooShort,
} from "./train-stream.js";
import { requireTrainable } from "./trainable.js";

export type SplitName = "train" | "validation" | "test";

/** What a checkpoint keeps of the data: the fitted tokenizer or scaler and the stream position. */
export interface SavedData {
  readonly tokenizer?: TokenizerJSON;
  /** How token ids were framed: one long text, or independent sequences (<bos> … <eos>). */
  readonly framing?: "text" | "sequences";
  readonly scaler?: ScalerJSON | null;
  readonly position?: BatchPosition;
}

interface TaskBase {
  readonly dataset: Dataset;
  readonly description: string;
  readonly train: TrainStream;
}

export interface TokenTask extends TaskBase {
  readonly kind: "language-model";
  /** "text" and "tokens": one long id sequence per split; "sequences": framed items. */
  readonly source: "text" | "tokens" | "sequences";
  readonly vocab: number;
  /** What a token is, for "bits per …". */
  readonly unit: "char" | "word" | "token";
  readonly tokenizer: Tokenizer | null;
  /** Long sequences: the ids of each split. */
  readonly ids: Readonly<Record<SplitName, Int32Array>> | null;
  /** Independent sequences: the framed ids of each split. */
  readonly sequences: Readonly<Record<SplitName, readonly Int32Array[]>> | null;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

export interface SeriesTask extends TaskBase {
  readonly kind: "forecast";
  readonly scaler: Scaler | null;
  /** Scaled values of each split. */
  readonly splits: Readonly<Record<SplitName, Float64Array>>;
  /** The original values, whole, and their labels (dates) when the dataset has them. */
  readonly values: Float64Array;
  readonly index: readonly string[] | undefined;
  readonly column: string;
  toOriginal(values: ArrayLike<number>): Float64Array;
  toScaled(values: ArrayLike<number>): Float64Array;
}

export type Task = TokenTask | SeriesTask | LongRangeTask;

/** Create the dataset entry; file paths in its options resolve against the working directory. */
export async function loadDataset(
  config: TrainerConfig,
  registry: Registry,
  cwd: string,
): Promise<Dataset> {
  const entry = config.data.dataset;
  if (typeof entry.path !== "string") return registry.createEntry("dataset", entry);
  const path = resolve(cwd, entry.path);
  if (typeof entry.encoding === "string") {
    checkTextEncoding(path, entry.encoding, "data.dataset.path");
  }
  // A relative path is the working directory's: the entry is configured again with it.
  return registry.createEntry("dataset", path === entry.path ? entry : { ...entry, path });
}

/**
 * Build the task of a config. `saved` (from a checkpoint) restores the
 * tokenizer or scaler instead of fitting a new one, and the stream position.
 */
export async function buildTask(
  config: TrainerConfig,
  registry: Registry,
  cwd: string,
  saved: SavedData = {},
  preloaded?: Dataset,
): Promise<Task> {
  const dataset = preloaded ?? (await loadDataset(config, registry, cwd));
  const task = fromDataset(dataset, config, registry, saved);
  enforcePolicy(task.train, config, `dataset "${dataset.name}"`);
  if (saved.position !== undefined) task.train.seek(saved.position);
  return task;
}

export function fromDataset(
  dataset: Dataset,
  config: TrainerConfig,
  registry: Registry,
  saved: SavedData,
): Task {
  requireTrainable(dataset);
  const fractions = config.data.split;
  const what = `"${dataset.name}"`;
  const split = <T>(fn: () => T, unit: string): T => {
    try {
      return fn();
    } catch (error) {
      tooShort(`data: splitting ${what} into ${unit}`, error);
    }
  };
  switch (dataset.type) {
    case "text": {
      const parts = split(() => splitByPosition(dataset.text, fractions), "characters");
      const tokenizer = fitOrRestore(config, registry, parts.train, saved);
      const ids = {
        train: tokenizer.encode(parts.train),
        validation: tokenizer.encode(parts.validation),
        test: tokenizer.encode(parts.test),
      };
      return {
        kind: "language-model",
        source: "text",
        dataset,
        description: dataset.description,
        vocab: tokenizer.vocabularySize,
        unit: tokenizer.kind,
        tokenizer,
        ids,
        sequences: null,
        encode: (text) => tokenizer.encode(text),
        decode: (ids) => tokenizer.decode(ids),
        train: chunks(ids.train, config, what),
      };
    }
    case "tokens": {
      const ids = split(() => splitByPosition(dataset.tokens, fractions), "tokens");
      return {
        kind: "language-model",
        source: "tokens",
        dataset,
        description: dataset.description,
        vocab: dataset.vocabularySize,
        unit: "token",
        tokenizer: null,
        ids,
        sequences: null,
        encode: (text) =>
          Int32Array.from(
            text
              .trim()
              .split(/[\s,]+/)
              .filter(Boolean),
            Number,
          ),
        decode: (ids) => Array.from(ids).join(" "),
        train: chunks(ids.train, config, what),
      };
    }
    case "sequences": {
      const parts = split(
        () => splitShuffled(dataset.items, fractions, config.train.seed),
        "sequences",
      );
      const tokenizer = fitOrRestore(config, registry, parts.train, saved);
      const frame = (items: readonly string[]) =>
        items.map((item) => tokenizer.encode(item, { bos: true, eos: true }));
      const sequences = {
        train: frame(parts.train),
        validation: frame(parts.validation),
        test: frame(parts.test),
      };
      let stream: TrainStream;
      try {
        stream = sequenceStream(
          sequenceBatches(sequences.train, {
            batchSize: config.train.batchSize,
            seed: config.train.seed,
            dropLast: true,
          }),
        );
      } catch (error) {
        tooShort(
          `data: the training split of ${what} (${sequences.train.length} sequences)`,
          error,
        );
      }
      return {
        kind: "language-model",
        source: "sequences",
        dataset,
        description: dataset.description,
        vocab: tokenizer.vocabularySize,
        unit: tokenizer.kind,
        tokenizer,
        ids: null,
        sequences,
        encode: (text) => tokenizer.encode(text),
        decode: (ids) => tokenizer.decode(ids),
        train: stream,
      };
    }
    case "series": {
      const parts = split(() => splitByPosition(dataset.values, fractions), "values");
      const scaler = restoreScaler(config, parts.train, saved);
      const toScaled = (v: ArrayLike<number>) =>
        scaler === null ? Float64Array.from(v) : scaler.transform(v);
      const toOriginal = (v: ArrayLike<number>) =>
        scaler === null ? Float64Array.from(v) : scaler.inverseTransform(v);
      const splits = {
        train: toScaled(parts.train),
        validation: toScaled(parts.validation),
        test: toScaled(parts.test),
      };
      return {
        kind: "forecast",
        dataset,
        description: dataset.description,
        scaler,
        splits,
        values: dataset.values,
        index: dataset.index,
        column: dataset.column,
        toOriginal,
        toScaled,
        train: chunks(splits.train, config, what),
      };
    }
    case "task":
      return longRangeTask(dataset, config);
    default:
      throw new TrainerError(
        "UNSUPPORTED",
        `data.dataset: "${(dataset as Dataset).name}" is a ${(dataset as Dataset).type} dataset; the trainer trains on text, token streams, sequences, series and long-range tasks`,
      );
  }
}

function fitOrRestore(
  config: TrainerConfig,
  registry: Registry,
  corpus: string | readonly string[],
  saved: SavedData,
): Tokenizer {
  const recipe = registry.createEntry("tokenizer", config.data.tokenizer);
  return saved.tokenizer !== undefined ? recipe.fromJSON(saved.tokenizer) : recipe.fit(corpus);
}

function restoreScaler(
  config: TrainerConfig,
  train: Float64Array,
  saved: SavedData,
): Scaler | null {
  if (saved.scaler !== undefined)
    return saved.scaler === null ? null : scalerFromJSON(saved.scaler);
  switch (config.data.scaler) {
    case "none":
      return null;
    case "min-max":
      return MinMaxScaler.fit(train);
    default:
      return StandardScaler.fit(train);
  }
}

/** What a checkpoint keeps of a task (the position is added by the session). */
export function savedData(task: Task): SavedData {
  if (task.kind === "forecast") return { scaler: task.scaler?.toJSON() ?? null };
  if (task.kind === "long-range") return {};
  if (task.tokenizer === null) return {};
  const framing = task.source === "sequences" ? "sequences" : "text";
  return { tokenizer: task.tokenizer.toJSON(), framing };
}

/** How many items each split holds, for the start-of-run summary. */
export function splitSizes(task: Task): Record<SplitName, number> {
  if (task.kind === "long-range") {
    return {
      train: Number.POSITIVE_INFINITY,
      validation: longRangeEvalExamples,
      test: longRangeEvalExamples,
    };
  }
  if (task.kind === "forecast") {
    return {
      train: task.splits.train.length,
      validation: task.splits.validation.length,
      test: task.splits.test.length,
    };
  }
  if (task.ids !== null) {
    return {
      train: task.ids.train.length,
      validation: task.ids.validation.length,
      test: task.ids.test.length,
    };
  }
  const sequences = task.sequences as Record<SplitName, readonly Int32Array[]>;
  return {
    train: sequences.train.length,
    validation: sequences.validation.length,
    test: sequences.test.length,
  };
}
