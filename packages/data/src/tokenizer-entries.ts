/**
 * The tokenizers as registry entries (kind `tokenizer`). A tokenizer has to
 * see its corpus before it has a vocabulary, so an entry creates a recipe:
 * `fit(corpus)` learns one, `fromJSON(saved)` restores one from a checkpoint.
 * The options are those of `fitCharTokenizer` and `fitWordTokenizer`, the
 * same schema objects.
 */
import { defineEntry } from "@recurrent/registry";
import {
  type Corpus,
  charTokenizerSchema,
  fitCharTokenizer,
  fitWordTokenizer,
  wordTokenizerSchema,
} from "./fit-tokenizer.js";
import type { TokenizerKind } from "./segment.js";
import { Tokenizer, type TokenizerJSON } from "./tokenizer.js";

/** An unfitted tokenizer: its settings, and the two ways to get a fitted one. */
export interface TokenizerRecipe {
  readonly kind: TokenizerKind;
  fit(corpus: Corpus): Tokenizer;
  fromJSON(json: TokenizerJSON): Tokenizer;
}

export const charTokenizerEntry = defineEntry({
  kind: "tokenizer",
  name: "char",
  description: "one token per Unicode code point",
  schema: charTokenizerSchema,
  create: (options): TokenizerRecipe => ({
    kind: "char",
    fit: (corpus) => fitCharTokenizer(corpus, options),
    fromJSON: (json) => Tokenizer.fromJSON(json),
  }),
});

export const wordTokenizerEntry = defineEntry({
  kind: "tokenizer",
  name: "word",
  description: "runs of letters and digits (an inner apostrophe kept); punctuation dropped or kept",
  schema: wordTokenizerSchema,
  create: (options): TokenizerRecipe => ({
    kind: "word",
    fit: (corpus) => fitWordTokenizer(corpus, options),
    fromJSON: (json) => Tokenizer.fromJSON(json),
  }),
});
