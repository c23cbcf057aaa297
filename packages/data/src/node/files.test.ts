import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { fitCharTokenizer } from "../fit-tokenizer.js";
import { readCsvColumn } from "./csv-file.js";
import { readLines } from "./read-lines.js";
import { encodeTextFile, fitTokenizerOnFile, readLinesFile, readTextFile } from "./text-files.js";

const dir = mkdtempSync(join(tmpdir(), "recurrent-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("text files", () => {
  const text = "Call me Ishmael.\r\nSome years ago—never mind how long 🐋\n";
  const path = file("moby.txt", text);

  test("readLines streams lines without their breaks", async () => {
    const lines: string[] = [];
    for await (const line of readLines(path)) lines.push(line);
    expect(lines).toEqual(["Call me Ishmael.", "Some years ago—never mind how long 🐋"]);
  });

  test("readTextFile reads it whole; readLinesFile keeps non-blank lines", async () => {
    expect(await readTextFile(path)).toBe(text);
    expect(await readLinesFile(file("names.txt", "Ada\n\n  Alan \nGrace"))).toEqual([
      "Ada",
      "Alan",
      "Grace",
    ]);
  });

  test("streamed fitting and encoding match the in-memory ones (CRLF as LF)", async () => {
    const normalized = text.replace(/\r\n/g, "\n");
    const streamed = await fitTokenizerOnFile(path, "char");
    expect(streamed.vocabulary.toArray()).toEqual(
      fitCharTokenizer(normalized).vocabulary.toArray(),
    );
    const ids = await encodeTextFile(path, streamed);
    expect(Array.from(ids)).toEqual(Array.from(streamed.encode(normalized)));
    const big = file("big.txt", "abc\n".repeat(30000));
    expect((await encodeTextFile(big, streamed)).length).toBe(120000);
  });

  test("missing and empty files are clear errors", async () => {
    const missing = join(dir, "nope.txt");
    await expect(readTextFile(missing)).rejects.toThrow(
      `readTextFile: expected a readable file at ${JSON.stringify(missing)}, got ENOENT`,
    );
    await expect(readTextFile(dir)).rejects.toThrow(
      `readTextFile: expected a file at ${JSON.stringify(dir)}, got a directory or special file`,
    );
    const empty = file("empty.txt", "");
    await expect(readTextFile(empty)).rejects.toThrow(
      `readTextFile: expected text in ${JSON.stringify(empty)}, got an empty file`,
    );
    await expect(readLinesFile(file("blank.txt", "\n \n"))).rejects.toMatchObject({
      code: "EMPTY_SOURCE",
    });
    await expect(encodeTextFile(empty, fitCharTokenizer("a"))).rejects.toMatchObject({
      code: "EMPTY_SOURCE",
    });
  });
});

describe("readCsvColumn", () => {
  const rows = ["date,births", ...Array.from({ length: 2000 }, (_, i) => `d${i},${8000 + i}`)];
  const path = file("births.csv", `${rows.join("\n")}\n`);

  test("streams one column as numbers", async () => {
    const { values, name, columns } = await readCsvColumn(path, { column: "births" });
    expect(values.length).toBe(2000);
    expect([values[0], values[1999]]).toEqual([8000, 9999]);
    expect(name).toBe('"births"');
    expect(columns).toEqual(["date", "births"]);
  });

  test("errors name the file, the line and the column", async () => {
    await expect(readCsvColumn(path, { column: "birth" })).rejects.toThrow(
      `${path}: expected a column named "birth", got columns "date", "births"; did you mean "births"?`,
    );
    const bad = file("bad.csv", "date,births\nd0,8486\nd1,\nd2,9000\n");
    await expect(readCsvColumn(bad, { column: "births" })).rejects.toThrow(
      `${bad} line 3, column "births": expected a number, got ""`,
    );
    await expect(readCsvColumn(bad, { column: "births" })).rejects.toMatchObject({
      line: 3,
      code: "NOT_NUMERIC",
    });
  });
});
