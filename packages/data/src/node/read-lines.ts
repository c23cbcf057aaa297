/**
 * Reading a file a line at a time, so a large file never has to sit in
 * memory whole. A missing or unreadable file becomes a DataError that names
 * the path, not a bare ENOENT.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { DataError } from "../errors.js";

export interface ReadOptions {
  /** Default "utf8". */
  encoding?: BufferEncoding;
}

/**
 * The lines of a file, without their line breaks (LF or CRLF).
 *
 * @example
 * for await (const line of readLines("corpus.txt")) count += line.length;
 */
export async function* readLines(path: string, options: ReadOptions = {}): AsyncGenerator<string> {
  await checkReadable("readLines", path);
  const input = createReadStream(path, { encoding: options.encoding ?? "utf8" });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Throw a DataError naming `path` unless it is a readable regular file. */
export async function checkReadable(where: string, path: string): Promise<void> {
  let isFile = false;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "an error";
    throw new DataError(
      "UNREADABLE_FILE",
      `${where}: expected a readable file at ${JSON.stringify(path)}, got ${code} (${(error as Error).message})`,
    );
  }
  if (!isFile) {
    throw new DataError(
      "UNREADABLE_FILE",
      `${where}: expected a file at ${JSON.stringify(path)}, got a directory or special file`,
    );
  }
}
