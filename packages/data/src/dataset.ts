/**
 * What a `dataset` registry entry gives the trainer: raw data of one of a few
 * shapes, named by `type`, with a description and, for synthetic data, the
 * truth it was generated from. Tokenising, splitting, scaling and batching
 * are separate steps (tokenizers, `splitByPosition`, scalers, the batch
 * streams), so every dataset goes through the same ones.
 */
import type { BatchStream } from "./batch-stream.js";
import type { TaskBatch, TaskStreamOptions } from "./synthetic/task-batch.js";

interface DatasetBase {
  /** The registry name, e.g. `"moby-dick"`. */
  readonly name: string;
  readonly description: string;
}

/** One long text (character or word language modelling). */
export interface TextDataset extends DatasetBase {
  readonly type: "text";
  readonly text: string;
}

/** Independent strings (names, lines), modelled one at a time. */
export interface SequencesDataset extends DatasetBase {
  readonly type: "sequences";
  readonly items: readonly string[];
}

/** One numeric series, in time order. */
export interface SeriesDataset<TTruth = undefined> extends DatasetBase {
  readonly type: "series";
  readonly values: Float64Array;
  /** What the values measure (a CSV column name, `"births"`, `"x"`). */
  readonly column: string;
  /** A label per value (e.g. ISO dates), when the source has one. */
  readonly index?: readonly string[];
  /** How the series was generated, for synthetic data. */
  readonly truth: TTruth;
}

/** A sequence of token ids drawn from a known process (e.g. a Markov chain). */
export interface TokensDataset<TTruth = undefined> extends DatasetBase {
  readonly type: "tokens";
  readonly tokens: Int32Array;
  /** Ids run from 0 to vocabularySize − 1. */
  readonly vocabularySize: number;
  readonly truth: TTruth;
}

/** An endless supervised task (copy, adding) with a known baseline. */
export interface TaskDataset<TInfo = unknown> extends DatasetBase {
  readonly type: "task";
  /** "tokens": int32 inputs and targets; "values": float32 inputs [time, batch, features]. */
  readonly inputs: "tokens" | "values";
  readonly info: TInfo & { readonly baselineLoss: number };
  batches(options: TaskStreamOptions): BatchStream<TaskBatch>;
}

export type Dataset =
  | TextDataset
  | SequencesDataset
  | SeriesDataset<unknown>
  | TokensDataset<unknown>
  | TaskDataset;
