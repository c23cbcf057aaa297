import { mkdtempSync, readdirSync, readFileSync, writeFileSync, writeSync } from "node:fs";
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

  it("treats a short write as a full disk: an error with the size needed, the old file kept, no temporary left", () => {
    const dir = mkdtempSync(join(tmpdir(), "recurrent-files-"));
    const path = join(dir, "step-000010.safetensors");
    writeFileSync(path, "the previous checkpoint");
    let budget = 3_000; // the device takes 3,000 bytes, in short writes of at most 1,000, then nothing
    const shortWriter = (fd: number, data: Uint8Array, offset: number, length: number) => {
      const n = Math.min(length, budget, 1_000);
      budget -= n;
      return n === 0 ? 0 : writeSync(fd, data, offset, n, null);
    };
    expect(() => writeFileAtomic(path, new Uint8Array(2_500_000), shortWriter)).toThrow(
      `no space left on the device of ${path} (needed 2.5 MB)`,
    );
    expect(readFileSync(path, "utf8")).toBe("the previous checkpoint");
    expect(readdirSync(dir)).toEqual(["step-000010.safetensors"]);
  });

  it("writes everything when the system writes in short pieces that do land", () => {
    const dir = mkdtempSync(join(tmpdir(), "recurrent-files-"));
    const path = join(dir, "data.bin");
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    writeFileAtomic(path, data, (fd, bytes, offset, length) =>
      writeSync(fd, bytes, offset, Math.min(length, 777), null),
    );
    expect(new Uint8Array(readFileSync(path))).toEqual(data);
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
