/**
 * How text is cut into tokens before the vocabulary sees it: by code point
 * for characters, by runs of letters, marks and digits for words (an inner
 * apostrophe stays: "don't", "whale’s"). Both are pure and browser-safe.
 */

export type TokenizerKind = "char" | "word";

export interface SegmentOptions {
  /** Lower-case the text first. */
  readonly lowercase: boolean;
  /** Words only: drop punctuation (default) or keep each punctuation character as a token. */
  readonly punctuation: "drop" | "keep";
}

const word = String.raw`[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*`;
const wordPattern = new RegExp(word, "gu");
const wordOrPunctuationPattern = new RegExp(`${word}|[^\\s\\p{L}\\p{M}\\p{N}]`, "gu");

/**
 * Cut `text` into tokens.
 *
 * @example
 * segment("char", "Hé😀", { lowercase: true, punctuation: "drop" }); // ["h", "é", "😀"]
 * segment("word", "Call me Ishmael.", { lowercase: true, punctuation: "keep" }); // ["call", "me", "ishmael", "."]
 */
export function segment(kind: TokenizerKind, text: string, options: SegmentOptions): string[] {
  const source = options.lowercase ? text.toLowerCase() : text;
  if (kind === "char") return Array.from(source);
  const pattern = options.punctuation === "keep" ? wordOrPunctuationPattern : wordPattern;
  return source.match(pattern) ?? [];
}

/** What joins decoded tokens: nothing for characters, a space for words. */
export function separatorOf(kind: TokenizerKind): string {
  return kind === "char" ? "" : " ";
}
