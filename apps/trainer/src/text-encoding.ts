/**
 * A data file must be text in the encoding its config names
 * (`data.dataset.encoding`, UTF-8 by default) before anything trains on it.
 * Read as UTF-8, a binary file (`/bin/ls`) or UTF-16 text decodes without
 * complaint into replacement characters and NUL bytes, and a model then
 * learns those. This check reads the start of the file and names what it
 * found: a UTF-16 byte-order mark or the NUL pattern of UTF-16 text, a
 * binary file, or the first byte that is not valid UTF-8, with the option
 * that fixes it.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { TrainerError } from "./errors.js";

/** How much of a file is looked at: enough to tell, cheap on a large corpus. */
const sampleBytes = 1 << 20;

/** The first bytes of a file, and whether they are all of it. */
function head(path: string): { bytes: Uint8Array; whole: boolean } {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return { bytes: new Uint8Array(0), whole: true }; // missing or unreadable: the dataset says so
  }
  try {
    const buffer = new Uint8Array(sampleBytes + 1);
    const n = readSync(fd, buffer, 0, sampleBytes + 1, 0);
    return { bytes: buffer.subarray(0, Math.min(n, sampleBytes)), whole: n <= sampleBytes };
  } finally {
    closeSync(fd);
  }
}

/** Which byte order a UTF-16 text without a byte-order mark has, from where its NULs fall. */
function utf16Without(bytes: Uint8Array): "utf16le" | "utf16be" | null {
  let even = 0;
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const pairs = bytes.length / 2;
  if (odd > 0.4 * pairs && even < 0.05 * pairs) return "utf16le";
  if (even > 0.4 * pairs && odd < 0.05 * pairs) return "utf16be";
  return null;
}

/**
 * The first offset at which `bytes` stop being valid UTF-8, or -1. A last
 * character cut short is fine when `bytes` are only the start of a file.
 */
export function invalidUtf8At(bytes: Uint8Array, whole = true): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const length =
      b < 0x80
        ? 1
        : b >= 0xc2 && b < 0xe0
          ? 2
          : b >= 0xe0 && b < 0xf0
            ? 3
            : b >= 0xf0 && b < 0xf5
              ? 4
              : 0;
    if (length === 0) return i;
    if (i + length > bytes.length) return whole ? i : -1; // a file cut inside a character, or the sample
    for (let k = 1; k < length; k++) {
      if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    }
    const second = bytes[i + 1] as number;
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second >= 0xa0)) return i; // overlong, surrogate
    if ((b === 0xf0 && second < 0x90) || (b === 0xf4 && second >= 0x90)) return i;
    i += length;
  }
  return -1;
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, "0")}`;

/**
 * Check that the file at `path` is text in `encoding`; throws a DATA error
 * naming the file, what was expected, what it holds and the option to set.
 */
export function checkTextEncoding(path: string, encoding: string, where: string): void {
  const { bytes, whole } = head(path);
  if (bytes.length === 0) return; // the dataset reports an empty file itself
  const encodingPath = where.replace(/\.path$/, ".encoding");
  const setTo = (value: string) => `set ${encodingPath}: --set ${encodingPath}=${value}`;
  const fail = (found: string, fix: string): never => {
    throw new TrainerError(
      "ENCODING",
      `${where} ${path}: expected ${encoding === "utf8" ? "UTF-8" : encoding} text, got ${found}; ${fix}`,
    );
  };
  const toUtf8 = "convert it to UTF-8 (iconv -f UTF-16BE -t UTF-8)";
  if (encoding === "utf16le") {
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      fail("UTF-16 big-endian text (byte-order mark FE FF)", toUtf8);
    }
    return;
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    fail(
      "UTF-16 little-endian text (byte-order mark FF FE)",
      `${setTo("utf16le")}, or convert it to UTF-8`,
    );
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    fail("UTF-16 big-endian text (byte-order mark FE FF)", toUtf8);
  }
  const utf16 = utf16Without(bytes);
  if (utf16 !== null) {
    fail(
      `what looks like UTF-16 ${utf16 === "utf16le" ? "little" : "big"}-endian text without a byte-order mark (a NUL in every other byte)`,
      utf16 === "utf16le" ? setTo("utf16le") : toUtf8,
    );
  }
  let nuls = 0;
  let firstNul = -1;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0) {
      nuls++;
      if (firstNul < 0) firstNul = i;
    }
  }
  if (nuls > 0) {
    const share = (100 * nuls) / bytes.length;
    fail(
      `a binary file (${nuls.toLocaleString("en-US")} NUL bytes in the first ${bytes.length.toLocaleString("en-US")}, ${share < 1 ? share.toFixed(2) : Math.round(share)}%, the first at offset ${firstNul})`,
      `train on a text file; if it is text in another encoding, ${setTo("<utf8|utf16le|latin1|ascii>")}`,
    );
  }
  if (encoding === "utf8" || encoding === "ascii") {
    const at = invalidUtf8At(bytes, whole);
    if (at >= 0) {
      fail(
        `bytes that are not UTF-8 (${hex(bytes[at] as number)} at offset ${at})`,
        `if it is Latin-1 (ISO-8859-1) text, ${setTo("latin1")}, or convert it to UTF-8`,
      );
    }
  }
}
