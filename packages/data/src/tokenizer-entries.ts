/**
 * The tokenizers as registry entries (kind `tokenizer`). A tokenizer has to
 * see its corpus before it has a vocabulary, so an entry creates a recipe:
 * `fit(corpus)` learns one, `fromJSON(saved)` restores one from a checkpoint.
 */
import { defineEntry, z } from "@recurrent/registry";
import { type Corpus, fitCharTokenizer, fitWordTokenizer } from "./fit-tokenizer.js";
import type { TokenizerKind } from "./segment.js";
import { Tokenizer, type TokenizerJSON } from "./tokenizer.js";

/** An unfitted tokenizer: its settings, and the two ways to get a fitted one. */
export interface TokenizerRecipe {
  readonly kind: TokenizerKind;
  fit(corpus: Corpus): Tokenizer;
  fromJSON(json: TokenizerJSON): Tokenizer;
}

const common = {
  minFrequency: z.number().int().min(1).default(1).describe("tokens rarer than this become <unk>"),
  maxSize: z.number().int().min(0).optional().describe("keep at most this many ordinary tokens"),
  strict: z
    .boolean()
    .default(false)
    .describe("throw on tokens outside the vocabulary instead of <unk>"),
};

export const charTokenizerEntry = defineEntry({
  kind: "tokenizer",
  name: "char",
  description: "one token per Unicode code point",
  schema: z.object({ ...common, lowercase: z.boolean().default(false) }),
  create: (options): TokenizerRecipe => ({
    kind: "char",
    fit: (corpus) => fitCharTokenizer(corpus, withoutUndefined(options)),
    fromJSON: (json) => Tokenizer.fromJSON(json),
  }),
});

export const wordTokenizerEntry = defineEntry({
  kind: "tokenizer",
  name: "word",
  description: "runs of letters and digits (an inner apostrophe kept); punctuation dropped or kept",
  schema: z.object({
    ...common,
    lowercase: z.boolean().default(true),
    punctuation: z.enum(["drop", "keep"]).default("drop"),
  }),
  create: (options): TokenizerRecipe => ({
    kind: "word",
    fit: (corpus) => fitWordTokenizer(corpus, withoutUndefined(options)),
    fromJSON: (json) => Tokenizer.fromJSON(json),
  }),
});

/** Drop keys whose value is undefined (exactOptionalPropertyTypes keeps them apart). */
function withoutUndefined<T extends object>(
  options: T,
): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}
