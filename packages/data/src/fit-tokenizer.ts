/**
 * Learning a tokenizer's vocabulary from a corpus: count the tokens, drop
 * the rare ones (`minFrequency`), order the rest by frequency. Counting is
 * incremental (`TokenizerFitter`), so a large file can be fitted line by line.
 */
import { check } from "./errors.js";
import { type SegmentOptions, segment, type TokenizerKind } from "./segment.js";
import { Tokenizer, type TokenizerSettings } from "./tokenizer.js";
import { Vocabulary, type VocabularyOptions } from "./vocabulary.js";

export interface TokenizerOptions extends VocabularyOptions {
  /** Lower-case text before tokenizing. Default false for characters, true for words. */
  lowercase?: boolean;
  /** Throw on tokens outside the vocabulary when encoding, instead of mapping them to `<unk>`. Default false. */
  strict?: boolean;
}

export interface WordTokenizerOptions extends TokenizerOptions {
  /** Drop punctuation (default) or keep each punctuation character as its own token. */
  punctuation?: "drop" | "keep";
}

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

  constructor(
    readonly kind: TokenizerKind,
    private readonly options: WordTokenizerOptions = {},
  ) {
    this.settings = {
      lowercase: options.lowercase ?? kind === "word",
      punctuation: kind === "char" ? "keep" : (options.punctuation ?? "drop"),
      strict: options.strict ?? false,
    };
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
    const vocabularyOptions: VocabularyOptions = {};
    if (this.options.minFrequency !== undefined) {
      vocabularyOptions.minFrequency = this.options.minFrequency;
    }
    if (this.options.maxSize !== undefined) vocabularyOptions.maxSize = this.options.maxSize;
    return new Tokenizer(
      this.kind,
      Vocabulary.fromCounts(this.counts, vocabularyOptions),
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

function addAll(fitter: TokenizerFitter, corpus: Corpus): TokenizerFitter {
  for (const text of typeof corpus === "string" ? [corpus] : corpus) fitter.add(text);
  return fitter;
}
