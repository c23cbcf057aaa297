/**
 * @recurrent/data — sequence data for recurrent models, browser-safe.
 *
 * Tokenizers and vocabularies (characters, words); the two truncated-BPTT
 * partitions of a long sequence (sequential, carrying state; random,
 * resetting it); sliding windows for series; padded, masked batches of
 * variable-length sequences; deterministic splits; scalers fitted on the
 * training split; synthetic sources with known answers; and `dataPlugin`,
 * which registers them. Real datasets and files: `@recurrent/data/node`.
 */
export type {
  BatchInfo,
  BatchPosition,
  BatchStream,
  BatchStreamSpec,
  StatePolicy,
} from "./batch-stream.js";
export { createBatchStream } from "./batch-stream.js";
export type { ChunkBatch, PartitionOptions, SequenceSource } from "./chunk-batch.js";
export { codePointLength, codePoints } from "./code-points.js";
export type { CsvColumn, CsvColumnOptions } from "./csv.js";
export { CsvColumnReader, parseCsvColumn, splitCsvLine } from "./csv.js";
export type {
  Dataset,
  SequencesDataset,
  SeriesDataset,
  TaskDataset,
  TextDataset,
  TokensDataset,
} from "./dataset.js";
export {
  addingTaskEntry,
  arProcessEntry,
  copyTaskEntry,
  markovChainEntry,
  noisySineEntry,
} from "./dataset-entries.js";
export type { DataErrorCode } from "./errors.js";
export { DataError, ParseError } from "./errors.js";
export type { Corpus, TokenizerOptions, WordTokenizerOptions } from "./fit-tokenizer.js";
export {
  countTokens,
  fitCharTokenizer,
  fitWordTokenizer,
  TokenizerFitter,
} from "./fit-tokenizer.js";
export { inlineLinesEntry, inlineTextEntry } from "./inline-entries.js";
export type { MinMaxScalerJSON } from "./min-max-scaler.js";
export { MinMaxScaler } from "./min-max-scaler.js";
export type { LanguageModelBatch, PaddedSequences, PadOptions } from "./padding.js";
export { languageModelBatch, padSequences } from "./padding.js";
export { dataPlugin } from "./plugin.js";
export { randomBatches } from "./random-batches.js";
export type { Scalable, Scaled } from "./scale-values.js";
export type { Scaler, ScalerJSON, ScalerKind } from "./scaler.js";
export { scalerFromJSON, scaleSplits } from "./scaler.js";
export type { TokenizerKind } from "./segment.js";
export { segment } from "./segment.js";
export type { SequenceBatch, SequenceBatchOptions } from "./sequence-batches.js";
export { sequenceBatches } from "./sequence-batches.js";
export { sequentialBatches } from "./sequential-batches.js";
export type { Sliceable, SplitFractions, Splits } from "./splits.js";
export { splitByPosition, splitShuffled, splitSizes } from "./splits.js";
export type { StandardScalerJSON } from "./standard-scaler.js";
export { StandardScaler } from "./standard-scaler.js";
export type { AddingTaskOptions } from "./synthetic/adding-task.js";
export { addingTaskBaselineLoss, addingTaskBatches } from "./synthetic/adding-task.js";
export type { ArProcessOptions } from "./synthetic/ar-process.js";
export { arProcess } from "./synthetic/ar-process.js";
export type { CopyTaskInfo, CopyTaskOptions } from "./synthetic/copy-task.js";
export { copyTaskBatches, copyTaskInfo } from "./synthetic/copy-task.js";
export type { MarkovChainOptions } from "./synthetic/markov-chain.js";
export { markovChain } from "./synthetic/markov-chain.js";
export type { NoisySineOptions } from "./synthetic/noisy-sine.js";
export { noisySine, sineSignal } from "./synthetic/noisy-sine.js";
export type { TaskBatch, TaskStreamOptions } from "./synthetic/task-batch.js";
export type {
  DecodeOptions,
  EncodeOptions,
  TokenizerJSON,
  TokenizerSettings,
} from "./tokenizer.js";
export { Tokenizer } from "./tokenizer.js";
export type { TokenizerRecipe } from "./tokenizer-entries.js";
export { charTokenizerEntry, wordTokenizerEntry } from "./tokenizer-entries.js";
export type { VocabularyJSON, VocabularyOptions } from "./vocabulary.js";
export { BOS, EOS, PAD, reservedTokens, UNK, Vocabulary } from "./vocabulary.js";
export type { WindowBatch, WindowBatchOptions } from "./window-batches.js";
export { windowBatches } from "./window-batches.js";
export type { WindowOptions, Windows } from "./windows.js";
export { slidingWindows } from "./windows.js";
