/**
 * A user's own text: read whole (small files), as a list of lines (one
 * sequence per line, e.g. a names list), or streamed into a tokenizer and
 * its ids (large files, where only the ids are kept).
 */
import { readFile } from "node:fs/promises";
import { DataError } from "../errors.js";
import { TokenizerFitter, type WordTokenizerOptions } from "../fit-tokenizer.js";
import type { TokenizerKind } from "../segment.js";
import type { Tokenizer } from "../tokenizer.js";
import { checkReadable, type ReadOptions, readLines } from "./read-lines.js";

/**
 * The whole text of a file; throws for an empty one.
 *
 * @example
 * const text = await readTextFile("corpus.txt");
 */
export async function readTextFile(path: string, options: ReadOptions = {}): Promise<string> {
  await checkReadable("readTextFile", path);
  const text = (await readFile(path, { encoding: options.encoding ?? "utf8" })).replace(
    /^\uFEFF/,
    "",
  );
  if (text.length === 0) {
    throw new DataError(
      "EMPTY_SOURCE",
      `readTextFile: expected text in ${JSON.stringify(path)}, got an empty file`,
    );
  }
  return text;
}

/**
 * The non-blank lines of a file, trimmed: one sequence per line.
 *
 * @example
 * const names = await readLinesFile("names.txt"); // ["Ada", "Alan", …]
 */
export async function readLinesFile(path: string, options: ReadOptions = {}): Promise<string[]> {
  const items: string[] = [];
  for await (const line of readLines(path, options)) {
    const item = line.trim();
    if (item !== "") items.push(item);
  }
  if (items.length === 0) {
    throw new DataError(
      "EMPTY_SOURCE",
      `readLinesFile: expected at least one non-blank line in ${JSON.stringify(path)}, got none`,
    );
  }
  return items;
}

/**
 * Fit a tokenizer on a file, streamed line by line (each line counted with
 * its line break, so a character tokenizer learns "\n").
 *
 * @example
 * const tokenizer = await fitTokenizerOnFile("corpus.txt", "char");
 */
export async function fitTokenizerOnFile(
  path: string,
  kind: TokenizerKind,
  options: WordTokenizerOptions & ReadOptions = {},
): Promise<Tokenizer> {
  const { encoding: _read, ...settings } = options;
  const fitter = new TokenizerFitter(kind, settings);
  for await (const line of readLines(path, options)) fitter.add(`${line}\n`);
  return fitter.finish();
}

/**
 * The ids of a file's text, streamed line by line so the text is never held
 * whole; lines are joined with "\n" (CRLF becomes LF).
 *
 * @example
 * const ids = await encodeTextFile("corpus.txt", tokenizer); // Int32Array
 */
export async function encodeTextFile(
  path: string,
  tokenizer: Tokenizer,
  options: ReadOptions = {},
): Promise<Int32Array> {
  let ids = new Int32Array(1 << 16);
  let count = 0;
  for await (const line of readLines(path, options)) {
    const encoded = tokenizer.encode(`${line}\n`);
    if (count + encoded.length > ids.length) {
      const grown = new Int32Array(Math.max(ids.length * 2, count + encoded.length));
      grown.set(ids.subarray(0, count));
      ids = grown;
    }
    ids.set(encoded, count);
    count += encoded.length;
  }
  if (count === 0) {
    throw new DataError(
      "EMPTY_SOURCE",
      `encodeTextFile: expected text in ${JSON.stringify(path)}, got no tokens`,
    );
  }
  return ids.slice(0, count);
}
