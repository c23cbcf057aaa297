/**
 * Files that must never be half-written: every write goes to a temporary
 * file in the same directory and is renamed over the target, so an
 * interrupted run (Ctrl-C, a crash, a full disk) leaves either the old file
 * or the new one, never a torn one.
 */
import {
  appendFileSync,
  closeSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/** Write `data` to `path` atomically (temporary file, fsync, rename). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  const fd = openSync(temporary, "w");
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

/** Append one JSON object as a line (metrics logs: a torn last line is skipped on read). */
export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, `${JSON.stringify(value)}\n`);
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
