/**
 * Files that must never be half-written: every write goes to a temporary
 * file in the same directory and is renamed over the target, so an
 * interrupted run (Ctrl-C, a crash, a full disk) leaves either the old file
 * or the new one, never a torn one.
 *
 * A write is checked, not trusted: `writeSync` may write fewer bytes than
 * asked (a disk that fills up part-way does exactly that), so the writer
 * loops until every byte is down, treats a write of zero bytes or an error
 * as a failure, checks the file's size before the rename, and removes the
 * temporary file on any failure. A full disk becomes one readable error
 * that says how much space was needed.
 */
import {
  appendFileSync,
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { TrainerError } from "./errors.js";

let counter = 0;

/** At most this many bytes per write call (Node refuses single writes of 2 GiB or more). */
const chunkBytes = 64 * 1024 * 1024;

/** How one chunk reaches the file: `writeSync`, or a test's fault injector. */
export type ChunkWriter = (fd: number, data: Uint8Array, offset: number, length: number) => number;

const writeChunk: ChunkWriter = (fd, data, offset, length) =>
  writeSync(fd, data, offset, length, null);

let defaultWriter: ChunkWriter = writeChunk;

/**
 * Replace how every atomic write puts its chunks down (tests inject short
 * writes where no small filesystem can be mounted); returns a function that
 * restores the real one.
 */
export function injectChunkWriter(writer: ChunkWriter): () => void {
  defaultWriter = writer;
  return () => {
    defaultWriter = writeChunk;
  };
}

/** Megabytes, for messages: one decimal below 10 MB. */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return mb < 10 ? `${mb.toFixed(1)} MB` : `${Math.round(mb).toLocaleString("en-US")} MB`;
}

/** The one error for a write that could not be completed (full disk, quota, I/O). */
export function writeFailure(path: string, bytes: number, error: unknown): TrainerError {
  const code = (error as { code?: string }).code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new TrainerError(
      "DISK_FULL",
      `no space left on the device of ${path} (needed ${formatMegabytes(bytes)}); free some space and continue with resume: the previous checkpoint is kept`,
    );
  }
  const reason = code ?? (error as Error).message;
  return new TrainerError(
    "WRITE",
    `writing ${path} failed (${reason}) after the temporary file was created; the previous file is kept`,
  );
}

/**
 * Write `data` to `path` atomically (temporary file, every byte written and
 * counted, fsync, size checked, rename). Throws a TrainerError and leaves
 * the old file and no temporary file behind when anything fails.
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  writer: ChunkWriter = defaultWriter,
): void {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`writeFileAtomic: expected a string or bytes, got ${typeof data}`);
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  let fd: number;
  try {
    fd = openSync(temporary, "w");
  } catch (error) {
    throw writeFailure(path, bytes.length, error);
  }
  try {
    let written = 0;
    while (written < bytes.length) {
      const length = Math.min(chunkBytes, bytes.length - written);
      const n = writer(fd, bytes, written, length);
      if (!(n > 0)) {
        // A write of nothing is a full device that did not say so.
        throw Object.assign(new Error("short write"), { code: "ENOSPC" });
      }
      written += n;
    }
    fsyncSync(fd);
    const size = fstatSync(fd).size;
    if (size !== bytes.length) {
      throw Object.assign(new Error(`${size} of ${bytes.length} bytes on disk`), {
        code: "ENOSPC",
      });
    }
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw writeFailure(path, bytes.length, error);
  }
  closeSync(fd);
  renameSync(temporary, path);
}

/** Temporary files of writes that were killed (`.name.pid.n.tmp`), in `dir`. */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => /^\..+\.\d+\.\d+\.tmp$/.test(name));
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

/** Append one JSON object as a line (metrics logs: a torn last line is skipped on read). */
export function appendJsonLine(path: string, value: unknown): void {
  const line = `${JSON.stringify(value)}\n`;
  try {
    appendFileSync(path, line);
  } catch (error) {
    throw writeFailure(path, Buffer.byteLength(line), error);
  }
}

/** Parse a JSON-lines file, skipping a final line cut short by an interruption. */
export function readJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // an interrupted write leaves at most one broken line, the last
    }
  }
  return out;
}
