/**
 * Test support (not shipped): a fresh directory with a small text, a list
 * of names and a series, tiny configs over them, and the CLI run in-process.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { run } from "../cli.js";
import { type MemoryIo, memoryIo } from "../io.js";

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly io: MemoryIo;
}

/** Run the CLI in `cwd` with a memory io. */
export async function cli(cwd: string, ...argv: string[]): Promise<CliResult> {
  const io = memoryIo(cwd);
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err(), io };
}

/** A pseudo-random generator for fixture text (no dependency on the code under test). */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const words =
  "the whale sea ship captain ahab white call me ishmael some years ago never mind how long".split(
    " ",
  );
const names =
  "ada alan grace edsger barbara donald ken dennis margaret john linus guido bjarne james anders brendan rob".split(
    " ",
  );

const created: string[] = [];
// Each test file imports this module afresh: remove its directories when the file is done.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory holding tiny.txt, names.txt, series.csv and configs for them. */
export function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "recurrent-trainer-"));
  created.push(dir);
  const random = lcg(1);
  const text = Array.from({ length: 1500 }, () => words[Math.floor(random() * words.length)]).join(
    " ",
  );
  writeFileSync(join(dir, "tiny.txt"), text);
  writeFileSync(
    join(dir, "names.txt"),
    `${names.join("\n")}\n${names.map((n) => `${n}a`).join("\n")}\n`,
  );
  const rows = Array.from(
    { length: 400 },
    (_, t) => `${t},${(100 + 10 * Math.sin(t / 5) + (t % 7)).toFixed(3)}`,
  );
  writeFileSync(join(dir, "series.csv"), `t,value\n${rows.join("\n")}\n`);
  writeJson(dir, "tiny.json", tinyText());
  return dir;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2));
  return name;
}

/** A character LSTM on tiny.txt: a few milliseconds a step. */
export function tinyText(overrides: Record<string, unknown> = {}) {
  return {
    data: {
      dataset: { name: "text-file", path: "tiny.txt" },
      split: { train: 0.8, validation: 0.1, test: 0.1 },
    },
    model: { cell: { name: "lstm", hidden: 12 }, embeddingSize: 8 },
    optimizer: { name: "adam", lr: 0.01 },
    train: { steps: 8, batchSize: 4, bptt: 12, evalEvery: 4, checkpointEvery: 4 },
    eval: { maxTokens: 300, sampleLength: 20 },
    ...overrides,
  };
}
