/**
 * The browser-safe part of this package as one registry plugin:
 * `createRegistry().use(dataPlugin)` adds the synthetic datasets, the inline
 * text and lines (data written into the config) and the two tokenizers. The node entry adds the real datasets and files with
 * `nodeDataPlugin`.
 */
import { definePlugin } from "@recurrent/registry";
import type { Dataset } from "./dataset.js";
import {
  addingTaskEntry,
  arProcessEntry,
  copyTaskEntry,
  markovChainEntry,
  noisySineEntry,
} from "./dataset-entries.js";
import { inlineLinesEntry, inlineTextEntry } from "./inline-entries.js";
import type { TokenizerRecipe } from "./tokenizer-entries.js";
import { charTokenizerEntry, wordTokenizerEntry } from "./tokenizer-entries.js";

/**
 * @example
 * const registry = createRegistry().use(dataPlugin);
 * const sine = await registry.create("dataset", "noisy-sine", { seed: 1 }); // typed SeriesDataset
 * const tokenizer = registry.create("tokenizer", "char", {}).fit("hello");
 */
export const dataPlugin = definePlugin({
  name: "@recurrent/data",
  entries: [
    noisySineEntry,
    arProcessEntry,
    markovChainEntry,
    copyTaskEntry,
    addingTaskEntry,
    inlineTextEntry,
    inlineLinesEntry,
    charTokenizerEntry,
    wordTokenizerEntry,
  ],
});

declare module "@recurrent/registry" {
  interface KindValues {
    /** Dataset factories are uniformly asynchronous: files and downloads need it, so all await. */
    dataset: Promise<Dataset>;
    tokenizer: TokenizerRecipe;
  }
  interface DatasetTypes {
    "noisy-sine": typeof noisySineEntry;
    "ar-process": typeof arProcessEntry;
    "markov-chain": typeof markovChainEntry;
    "copy-task": typeof copyTaskEntry;
    "adding-task": typeof addingTaskEntry;
    "inline-text": typeof inlineTextEntry;
    "inline-lines": typeof inlineLinesEntry;
  }
  interface TokenizerTypes {
    char: typeof charTokenizerEntry;
    word: typeof wordTokenizerEntry;
  }
}
