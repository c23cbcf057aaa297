import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendJsonLine, readJsonLines, writeFileAtomic } from "./files.js";

describe("atomic files", () => {
  it("replaces a file whole and leaves no temporary behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "recurrent-files-"));
    const path = join(dir, "checkpoint.safetensors");
    writeFileSync(path, "old");
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(["checkpoint.safetensors"]);
  });

  it("keeps the old file when the new contents cannot be written", () => {
    const dir = mkdtempSync(join(tmpdir(), "recurrent-files-"));
    const path = join(dir, "config.json");
    writeFileSync(path, "old");
    // A value that fails part-way: writeSync rejects it after the temporary file exists.
    expect(() => writeFileAtomic(path, 42 as unknown as string)).toThrow();
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir)).toEqual(["config.json"]);
  });

  it("reads JSON lines, skipping a torn last line", () => {
    const dir = mkdtempSync(join(tmpdir(), "recurrent-files-"));
    const path = join(dir, "metrics.jsonl");
    appendJsonLine(path, { step: 1, loss: 2 });
    appendJsonLine(path, { step: 2, loss: 1.5 });
    writeFileSync(path, `${readFileSync(path, "utf8")}{"step": 3, "lo`);
    expect(readJsonLines(readFileSync(path, "utf8"))).toEqual([
      { step: 1, loss: 2 },
      { step: 2, loss: 1.5 },
    ]);
  });
});
