/**
 * Learning a tokenizer's vocabulary from a corpus: count the tokens, drop
 * the rare ones (`minFrequency`), order the rest by frequency. Counting is
 * incremental (`TokenizerFitter`), so a large file can be fitted line by line.
 */
import { z } from "@recurrent/registry";
import { check } from "./errors.js";
import { parseOptions } from "./options.js";
import { type SegmentOptions, segment, type TokenizerKind } from "./segment.js";
import { Tokenizer, type TokenizerSettings } from "./tokenizer.js";
import { Vocabulary, type VocabularyOptions, vocabularySchema } from "./vocabulary.js";

/** Options of `fitCharTokenizer`, declared once: the `char` tokenizer entry parses it too. */
export const charTokenizerSchema = vocabularySchema.extend({
  strict: z
    .boolean()
    .default(false)
    .describe("throw on tokens outside the vocabulary when encoding, instead of <unk>"),
  lowercase: z.boolean().describe("lower-case text before tokenizing").default(false),
});

/** Options of `fitWordTokenizer` (and the `word` entry): words are lower-cased by default. */
export const wordTokenizerSchema = charTokenizerSchema.extend({
  lowercase: charTokenizerSchema.shape.lowercase.removeDefault().default(true),
  punctuation: z
    .enum(["drop", "keep"])
    .default("drop")
    .describe("drop punctuation, or keep each punctuation character as a token"),
});

export type TokenizerOptions = z.input<typeof charTokenizerSchema>;
export type WordTokenizerOptions = z.input<typeof wordTokenizerSchema>;

/** A corpus: one text or many (lines, names, documents). */
export type Corpus = string | Iterable<string>;

/**
 * Counts tokens text by text, then builds the tokenizer.
 *
 * @example
 * const fitter = new TokenizerFitter("word");
 * for (const line of lines) fitter.add(line);
 * const tokenizer = fitter.finish();
 */
export class TokenizerFitter {
  readonly counts = new Map<string, number>();
  private readonly settings: TokenizerSettings;
  private readonly vocabularyOptions: VocabularyOptions;

  constructor(
    readonly kind: TokenizerKind,
    options: WordTokenizerOptions = {},
  ) {
    const { minFrequency, maxSize, lowercase, punctuation, strict } = parseSettings(kind, options);
    this.settings = { lowercase, punctuation, strict };
    this.vocabularyOptions = { minFrequency, maxSize };
  }

  /** Count the tokens of one more text. */
  add(text: string): this {
    for (const token of segment(this.kind, text, this.settings)) {
      this.counts.set(token, (this.counts.get(token) ?? 0) + 1);
    }
    return this;
  }

  /** The tokenizer for everything added; throws when nothing was. */
  finish(): Tokenizer {
    const name = this.kind === "char" ? "fitCharTokenizer" : "fitWordTokenizer";
    check(
      this.counts.size > 0,
      "EMPTY_SOURCE",
      () => `${name}: expected a corpus with at least one token, got none`,
    );
    return new Tokenizer(
      this.kind,
      Vocabulary.fromCounts(this.counts, this.vocabularyOptions),
      this.settings,
    );
  }
}

/**
 * A character tokenizer fitted on `corpus` (one token per Unicode code point).
 *
 * @example
 * const tok = fitCharTokenizer("abracadabra");
 * tok.vocabularySize; // 9: 4 reserved + a b r c d
 * tok.decode(tok.encode("cab")); // "cab"
 */
export function fitCharTokenizer(corpus: Corpus, options: TokenizerOptions = {}): Tokenizer {
  return addAll(new TokenizerFitter("char", options), corpus).finish();
}

/**
 * A word tokenizer fitted on `corpus`.
 *
 * @example
 * const tok = fitWordTokenizer("the whale, the sea", { minFrequency: 2 });
 * tok.encode("the whale"); // Int32Array [4, 1]: "whale" is rarer than 2, so <unk>
 */
export function fitWordTokenizer(corpus: Corpus, options: WordTokenizerOptions = {}): Tokenizer {
  return addAll(new TokenizerFitter("word", options), corpus).finish();
}

/** How often each token occurs in `corpus`. */
export function countTokens(
  kind: TokenizerKind,
  corpus: Corpus,
  options: Partial<SegmentOptions> = {},
): Map<string, number> {
  return addAll(new TokenizerFitter(kind, options), corpus).counts;
}

/** Options parsed by the kind's schema; characters keep every character (punctuation is ignored). */
function parseSettings(kind: TokenizerKind, options: WordTokenizerOptions) {
  if (kind === "word") return parseOptions("fitWordTokenizer", wordTokenizerSchema, options);
  const { punctuation: _ignored, ...charOptions } = options;
  const parsed = parseOptions("fitCharTokenizer", charTokenizerSchema, charOptions);
  return { ...parsed, punctuation: "keep" as const };
}

function addAll(fitter: TokenizerFitter, corpus: Corpus): TokenizerFitter {
  for (const text of typeof corpus === "string" ? [corpus] : corpus) fitter.add(text);
  return fitter;
}
