/**
 * The guarantees of the README's "Bad input" and "The run directory", one
 * test each, in-process (the ones that need real processes, signals or a
 * real full disk are in faults.test.ts): damaged checkpoints, resume flags,
 * pinned data, encodings, pre-flight checks, plugin cells, generate's flags
 * and the commands the README prints.
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Checkpoint } from "@recurrent/nn";
import { tensor } from "@recurrent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "./cli.js";
import { memoryIo } from "./io.js";
import { freshRunPath, timestamp } from "./run-dir.js";
import { cli, tinyText, workspace, writeJson } from "./testing/fixtures.js";

const cwd = workspace();
const trainerDir = fileURLToPath(new URL("..", import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const metricsOf = (dir: string) =>
  readFileSync(join(cwd, dir, "metrics.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const checkpoint = (dir: string, step: number) =>
  join(cwd, dir, "checkpoints", `step-${String(step).padStart(6, "0")}.safetensors`);

async function trained(out: string, ...extra: string[]) {
  const result = await cli(cwd, "train", "tiny.json", "--out", out, ...extra);
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
  return result;
}

describe("checkpoints that cannot be trusted are refused", () => {
  it("flipped bytes inside weight_hh: eval and generate fail naming the tensor", async () => {
    await trained("flipped");
    const path = checkpoint("flipped", 8);
    const bytes = new Uint8Array(readFileSync(path));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    const [begin, end] = header["model.recurrent.weight_hh_l0"].data_offsets as [number, number];
    const start = 8 + headerLength + begin;
    for (let i = 0; i < 200; i++) {
      const k = start + ((i * 7) % (end - begin));
      bytes[k] = (bytes[k] as number) ^ 0x5a;
    }
    writeFileSync(path, bytes);
    for (const command of ["eval", "generate"]) {
      const result = await cli(cwd, command, "flipped");
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        'tensor "model.recurrent.weight_hh_l0" fails its checksum (crc32',
      );
      expect(result.out).toBe("");
    }
  });

  it("NaN weights (with valid checksums) are refused, naming the parameter", async () => {
    await trained("nan");
    const path = checkpoint("nan", 8);
    const original = Checkpoint.fromBytes(new Uint8Array(readFileSync(path)));
    const poisoned = new Checkpoint(original.metadata);
    for (const section of original.sections()) {
      const tensors = original.tensors(section);
      if (section === "model") {
        const w = tensors["recurrent.weight_hh_l0"];
        const values = Float32Array.from(w?.data() ?? []);
        values[5] = Number.NaN;
        tensors["recurrent.weight_hh_l0"] = tensor(values, { shape: [...(w?.shape ?? [])] });
      }
      poisoned.add(section, { tensors, json: original.json(section) });
    }
    writeFileSync(path, poisoned.toBytes());
    const result = await cli(cwd, "eval", "nan");
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'model parameter "recurrent.weight_hh_l0" holds NaN at flat index 5',
    );
  });

  it("a torn newest checkpoint names the older whole one, which resume and eval take as a file", async () => {
    await trained("torn");
    truncateSync(checkpoint("torn", 8), 5000);
    const evaluated = await cli(cwd, "eval", "torn");
    expect(evaluated.code).toBe(1);
    expect(evaluated.err).toContain("the newest checkpoint is damaged");
    expect(evaluated.err).toContain(`the older checkpoint ${checkpoint("torn", 4)} is whole`);
    const fromFile = await cli(cwd, "eval", checkpoint("torn", 4));
    expect(fromFile.code).toBe(0);
    expect(fromFile.out).toMatch(/^step 4 · validation/);
    const resumed = await cli(cwd, "resume", checkpoint("torn", 4), "--steps", "10");
    expect(resumed.err).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("at step 4");
    expect(readdirSync(join(cwd, "torn", "checkpoints"))).toContain("step-000010.safetensors");
  });
});

describe("resume: every flag takes effect or is refused", () => {
  it("--lr is the rate of the resumed steps (the optimizer's saved rate does not win)", async () => {
    await trained("lr");
    const resumed = await cli(cwd, "resume", "lr", "--steps", "12", "--lr", "0.1");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain("lr 0.1 (was 0.01)");
    const rates = metricsOf("lr")
      .filter((r) => r.type === "train")
      .map((r) => [r.step, r.lr]);
    expect(rates.filter(([step]) => step <= 8).every(([, lr]) => lr === 0.01)).toBe(true);
    expect(rates.filter(([step]) => step > 8).map(([, lr]) => lr)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(readJson(join(cwd, "lr", "config.json")).config.optimizer.lr).toBe(0.1);
  });

  it("a change the checkpoint cannot follow is refused with the field and both values", async () => {
    await trained("fixed");
    const before = readFileSync(join(cwd, "fixed", "config.json"), "utf8");
    const batch = await cli(cwd, "resume", "fixed", "--steps", "12", "--batch-size", "8");
    expect(batch.code).toBe(2);
    expect(batch.err).toContain("train.batchSize (4 → 8)");
    const scheduled = await cli(
      cwd,
      "resume",
      "fixed",
      "--steps",
      "12",
      "--set",
      'schedule={"name":"step","stepSize":2}',
    );
    expect(scheduled.code).toBe(2);
    expect(scheduled.err).toContain("schedule");
    expect(readFileSync(join(cwd, "fixed", "config.json"), "utf8")).toBe(before);
  });

  it("resume --config takes an edited config.json", async () => {
    await trained("edited");
    const record = readJson(join(cwd, "edited", "config.json"));
    record.config.train.steps = 10;
    record.config.train.evalEvery = 5;
    writeJson(cwd, "edited.json", record);
    const resumed = await cli(cwd, "resume", "edited", "--config", "edited.json");
    expect(resumed.code).toBe(0);
    expect(metricsOf("edited").filter((r) => r.type === "train")).toHaveLength(10);
    expect(metricsOf("edited").some((r) => r.type === "eval" && r.step === 5)).toBe(false); // before the resume
  });
});

describe("the data a run was trained on is pinned", () => {
  it("stores the absolute path and a SHA-256; eval from another directory reads the same file", async () => {
    writeFileSync(join(cwd, "pinned.txt"), readFileSync(join(cwd, "tiny.txt")));
    const result = await cli(
      cwd,
      "train",
      "--text",
      "pinned.txt",
      ...shortRun(),
      "--out",
      "pinned",
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^data {4}the text of .*pinned\.txt.*sha256 [0-9a-f]{12}…/m);
    const record = readJson(join(cwd, "pinned", "config.json"));
    expect(record.config.data.dataset.path).toBe(join(cwd, "pinned.txt"));
    expect(record.data).toEqual({
      path: join(cwd, "pinned.txt"),
      bytes: readFileSync(join(cwd, "pinned.txt")).length,
      sha256: createHash("sha256")
        .update(readFileSync(join(cwd, "pinned.txt")))
        .digest("hex"),
    });
    const elsewhere = join(cwd, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "pinned.txt"), "a different file of the same name ".repeat(100));
    const here = await cli(cwd, "eval", "pinned", "--json");
    const there = await cli(elsewhere, "eval", join(cwd, "pinned"), "--json");
    expect(there.err).toBe("");
    expect(JSON.parse(there.out)).toEqual(JSON.parse(here.out));
  });

  it("generate needs only the checkpoint (its tokenizer), not the training text", async () => {
    writeFileSync(join(cwd, "gone.txt"), readFileSync(join(cwd, "tiny.txt")));
    const made = await cli(cwd, "train", "--text", "gone.txt", ...shortRun(), "--out", "gone");
    expect(made.code).toBe(0);
    const args = ["generate", "gone", "--prefix", "the whale", "--length", "30", "--seed", "3"];
    const before = await cli(cwd, ...args);
    expect(before.code).toBe(0);
    rmSync(join(cwd, "gone.txt"));
    const after = await cli(cwd, ...args);
    expect(after.err).toBe("");
    expect(after.code).toBe(0);
    expect(after.out).toBe(before.out);
    expect((await cli(cwd, "eval", "gone")).err).toContain("no such file"); // eval does need the text
  });

  it("resume refuses changed data unless --allow-data-change, and prints the data line", async () => {
    writeFileSync(join(cwd, "changing.txt"), readFileSync(join(cwd, "tiny.txt")));
    await cli(cwd, "train", "--text", "changing.txt", ...shortRun(), "--out", "changing");
    writeFileSync(join(cwd, "changing.txt"), `${readFileSync(join(cwd, "tiny.txt"), "utf8")} more`);
    const refused = await cli(cwd, "resume", "changing", "--steps", "6");
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /error: data: .*changing\.txt changed since the run was trained on it .*pass --allow-data-change/,
    );
    const other = await cli(cwd, "resume", "changing", "--steps", "6", "--dataset", "moby-dick");
    expect(other.code).toBe(2);
    expect(other.err).toContain("data.dataset.name");
    expect(other.err).toContain("--allow-data-change");
    const evaluated = await cli(cwd, "eval", "changing");
    expect(evaluated.err).toContain("warning: data:");
    const allowed = await cli(cwd, "resume", "changing", "--steps", "6", "--allow-data-change");
    expect(allowed.err).toBe("");
    expect(allowed.code).toBe(0);
    expect(allowed.out).toMatch(/^data {4}the text of .*changing\.txt/m);
  });
});

/** A short run's flags. */
const shortRun = () => [
  "--steps",
  "4",
  "--hidden",
  "8",
  "--batch-size",
  "4",
  "--bptt",
  "12",
  "--eval-every",
  "4",
  "--checkpoint-every",
  "4",
  "--set",
  "eval.maxTokens=200",
];

describe("text files in the wrong encoding are refused, naming the encoding option", () => {
  const text = readFileSync(join(cwd, "tiny.txt"), "utf8");
  it.each([
    [
      "utf16-bom.txt",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
      /UTF-16 little-endian text \(byte-order mark FF FE\); set data\.dataset\.encoding: --set data\.dataset\.encoding=utf16le/,
    ],
    [
      "utf16-plain.txt",
      Buffer.from(text, "utf16le"),
      /looks like UTF-16 little-endian text without a byte-order mark .*--set data\.dataset\.encoding=utf16le/,
    ],
    [
      "latin1.txt",
      Buffer.from(`${text} café`, "latin1"),
      /bytes that are not UTF-8 \(0xe9 at offset \d+\); if it is Latin-1 .*--set data\.dataset\.encoding=latin1/,
    ],
    [
      "binary.bin",
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i % 5 === 0 ? 0 : (i * 37) % 256))),
      /a binary file \(\d[\d,]* NUL bytes in the first 4,000, 20%, the first at offset 0\)/,
    ],
  ])("%s", async (name, bytes, message) => {
    writeFileSync(join(cwd, name), bytes);
    const result = await cli(cwd, "train", "--text", name, ...shortRun(), "--out", `enc-${name}`);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(result.err).toContain(`data.dataset.path ${join(cwd, name)}: expected UTF-8 text`);
    expect(existsSync(join(cwd, `enc-${name}`))).toBe(false);
  });

  it("a real executable (/bin/ls) is a binary file", async () => {
    if (!existsSync("/bin/ls")) return;
    const result = await cli(cwd, "train", "--text", "/bin/ls", ...shortRun(), "--out", "enc-ls");
    expect(result.code).toBe(1);
    expect(result.err).toContain("got a binary file");
  });

  it("UTF-16 text trains once its encoding is named", async () => {
    const result = await cli(
      cwd,
      "train",
      "--text",
      "utf16-bom.txt",
      ...shortRun(),
      "--set",
      "data.dataset.encoding=utf16le",
      "--out",
      "enc-ok",
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toContain("vocabulary 24"); // the same characters as tiny.txt, no NULs
  });
});

describe("pre-flight: what cannot work fails before the run directory exists", () => {
  it("a model too large for memory: error … needs N GB", async () => {
    const result = await cli(cwd, "train", "tiny.json", "--hidden", "20000", "--out", "huge");
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^error: model\.cell: lstm with 1,60\d,\d{3},\d{3} parameters needs \d+ GB to train/,
    );
    expect(existsSync(join(cwd, "huge"))).toBe(false);
  });

  it("a validation split too small to evaluate on", async () => {
    const result = await cli(
      cwd,
      "train",
      "tiny.json",
      "--set",
      "data.split.validation=0.0001",
      "--set",
      "data.split.train=0.8999",
      "--set",
      "train.evalEvery=1000",
      "--out",
      "small-split",
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain("data: the validation split is too small to evaluate on");
    expect(existsSync(join(cwd, "small-split"))).toBe(false);
  });

  it("--out onto a non-empty directory that is no run", async () => {
    mkdirSync(join(cwd, "mine"));
    writeFileSync(join(cwd, "mine", "report.html"), "my report");
    writeFileSync(join(cwd, "mine", "metrics.jsonl"), "my metrics\n");
    const result = await cli(cwd, "train", "tiny.json", "--out", "mine");
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "expected a new or empty directory, got one that holds metrics.jsonl, report.html and no run",
    );
    expect(readFileSync(join(cwd, "mine", "report.html"), "utf8")).toBe("my report");
    expect(readFileSync(join(cwd, "mine", "metrics.jsonl"), "utf8")).toBe("my metrics\n");
  });

  const brokenCells = join(trainerDir, "src", "testing", "broken-cells.ts");
  it.each([
    [
      "broken/missing-state",
      'cell "broken/missing-state": step() state: state() declares "c", but step returned no "c" (returned: h)',
    ],
    [
      "broken/output-size",
      'cell "broken/output-size": step() output: expected shape [2, 9] (batch, outputSize()), got [2, 8]',
    ],
    ["broken/param-shape", 'cell "broken/param-shape": step(): '],
    ["broken/nan", 'cell "broken/nan": step() output: expected finite values, got NaN at index 0'],
  ])("a plugin cell with a mistake (%s) is named with the part", async (cell, message) => {
    const out = `cell-${cell.replace("/", "-")}`;
    const result = await cli(
      cwd,
      "train",
      "tiny.json",
      "--plugin",
      brokenCells,
      "--cell",
      cell,
      "--hidden",
      "8",
      "--out",
      out,
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain(`error: ${message}`);
    expect(result.err).not.toContain("internal error");
    expect(existsSync(join(cwd, out))).toBe(false);
  });

  it("the same plugin's correct cell trains", async () => {
    const result = await cli(
      cwd,
      "train",
      "tiny.json",
      "--plugin",
      brokenCells,
      "--cell",
      "broken/fine",
      "--hidden",
      "8",
      "--out",
      "cell-fine",
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
  });
});

describe("plugins by path", () => {
  const scratch = mkdtempSync(join(trainerDir, ".plugin-scratch-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("--plugin <dir> without package.json says what a plugin directory needs", async () => {
    mkdirSync(join(cwd, "not-a-plugin"));
    const result = await cli(cwd, "list", "--plugin", "./not-a-plugin");
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "expected a package directory (with a package.json) or a module file",
    );
    expect(result.err).not.toContain("ENOENT");
  });

  it("--plugin <new path> overrides the path a run recorded when the plugin moved", async () => {
    const example = fileURLToPath(new URL("../../../examples/peephole-lstm", import.meta.url));
    const first = join(scratch, "first");
    mkdirSync(first);
    cpSync(join(example, "package.json"), join(first, "package.json"));
    cpSync(join(example, "src"), join(first, "src"), { recursive: true });
    const trainedRun = await cli(
      cwd,
      "train",
      "tiny.json",
      "--plugin",
      first,
      "--cell",
      "example/peephole-lstm",
      "--steps",
      "4",
      "--out",
      "moved",
    );
    expect(trainedRun.code).toBe(0);
    const second = join(scratch, "second");
    renameSync(first, second);
    const stranded = await cli(cwd, "eval", "moved");
    expect(stranded.code).toBe(1);
    expect(stranded.err).toContain(
      `plugin ${first}, which this run was trained with, is gone; if it moved, pass its new location with --plugin <path>`,
    );
    const evaluated = await cli(cwd, "eval", "moved", "--plugin", second);
    expect(evaluated.err).toBe("");
    expect(evaluated.code).toBe(0);
    const resumed = await cli(cwd, "resume", "moved", "--steps", "6", "--plugin", second);
    expect(resumed.code).toBe(0);
    expect(readJson(join(cwd, "moved", "config.json")).plugins).toEqual([second]);
    expect((await cli(cwd, "eval", "moved")).code).toBe(0); // the record now holds the new path
  });
});

describe("generate and eval check their flags", () => {
  it.each([
    [["--seed", "abc"], '--seed: expected a whole number from 0 to 4,294,967,295, got "abc"'],
    [["--seed", "1e30"], '--seed: expected a whole number from 0 to 4,294,967,295, got "1e30"'],
    [["--seed", "1.7"], '--seed: expected a whole number from 0 to 4,294,967,295, got "1.7"'],
    [["--length", "1e9"], '--length: expected a whole number from 1 to 1,000,000, got "1e9"'],
    [
      ["--prefix", "ЖЖЖ"],
      '--prefix "ЖЖЖ": none of its characters is in the model\'s vocabulary of 24 tokens',
    ],
    [
      ["--greedy", "--top-k", "3"],
      "--greedy always takes the most likely token, so --top-k would be ignored",
    ],
  ])("generate %j", async (flags, message) => {
    if (!existsSync(join(cwd, "gen"))) await trained("gen");
    const result = await cli(cwd, "generate", "gen", ...flags);
    expect(result.err).toBe(`error: ${message}${result.err.slice(`error: ${message}`.length)}`);
    expect(result.code).toBe(2);
    expect(result.out).toBe("");
  });

  it("--prefix on a token-stream run must be ids of its vocabulary", async () => {
    writeJson(cwd, "chain.json", {
      ...tinyText(),
      data: {
        dataset: { name: "markov-chain", length: 3000 },
        split: { train: 0.8, validation: 0.1, test: 0.1 },
      },
    });
    const made = await cli(cwd, "train", "chain.json", "--steps", "4", "--out", "chain");
    expect(made.code).toBe(0);
    const words = await cli(cwd, "generate", "chain", "--prefix", "Call me");
    expect(words.code).toBe(2);
    expect(words.err).toContain(
      '--prefix: this run models token ids 0…2 (markov-chain), not text: give ids separated by spaces, e.g. --prefix "0 1"; got "Call"',
    );
    const ids = await cli(cwd, "generate", "chain", "--prefix", "0 2 1", "--length", "5");
    expect(ids.code).toBe(0);
    expect(ids.out.trim().split(/\s+/)).toHaveLength(5 + 3);
  });

  it("conflicting flags: --dataset with --text, and eval with a training flag", async () => {
    const both = await cli(cwd, "train", "--dataset", "noisy-sine", "--text", "tiny.txt");
    expect(both.code).toBe(2);
    expect(both.err).toBe(
      "error: --dataset noisy-sine and --text tiny.txt both choose the data; give one\n",
    );
    if (!existsSync(join(cwd, "gen"))) await trained("gen");
    const evalLr = await cli(cwd, "eval", "gen", "--lr", "0.1");
    expect(evalLr.code).toBe(2);
    expect(evalLr.err).toBe(
      "error: eval: --lr steers training and would be ignored here; leave it out\n",
    );
  });
});

describe("the run directory", () => {
  it("a run's own config.json is a config file (train, and eval --config)", async () => {
    await trained("source");
    const again = await cli(cwd, "train", join("source", "config.json"), "--out", "again");
    expect(again.err).toBe("");
    expect(again.code).toBe(0);
    expect(readJson(join(cwd, "again", "config.json")).config).toEqual(
      readJson(join(cwd, "source", "config.json")).config,
    );
    const evaluated = await cli(cwd, "eval", "source", "--config", join("source", "config.json"));
    expect(evaluated.code).toBe(0);
  });

  it("recurrent report <run> rebuilds report.html from the metrics", async () => {
    await trained("reported");
    rmSync(join(cwd, "reported", "report.html"));
    const result = await cli(cwd, "report", "reported");
    expect(result.code).toBe(0);
    expect(result.out).toContain("report rebuilt from");
    const html = readFileSync(join(cwd, "reported", "report.html"), "utf8");
    expect(html).toContain("step-000008.safetensors");
    expect(html).toContain("<html");
  });

  it("a run stopped before its first checkpoint starts again from step 0 with resume", async () => {
    // What a SIGKILL within the first checkpointEvery steps leaves: config.json and a few metric lines.
    await trained("early");
    rmSync(join(cwd, "early", "checkpoints"), { recursive: true });
    rmSync(join(cwd, "early", "report.html"));
    const resumed = await cli(cwd, "resume", "early");
    expect(resumed.err).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(
      "stopped before its first checkpoint: starting it again from step 0",
    );
    const steps = metricsOf("early")
      .filter((r) => r.type === "train")
      .map((r) => r.step);
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("default run names have millisecond resolution, and a name taken in the same millisecond gets -2", () => {
    const date = new Date(2026, 11, 2, 14, 5, 9, 42);
    expect(timestamp(date)).toBe("2026-12-02T14-05-09-042");
    const parent = mkdtempSync(join(cwd, "names-"));
    const first = freshRunPath(parent, "lstm-tiny", date);
    mkdirSync(first);
    expect(freshRunPath(parent, "lstm-tiny", date)).toBe(`${first}-2`);
  });

  it("Ctrl-C during compare exits 130, like train", async () => {
    const io = memoryIo(cwd);
    const running = run(
      [
        "compare",
        "tiny.json",
        "--cells",
        "rnn,gru",
        "--steps",
        "100000",
        "--out",
        "compare-stopped",
      ],
      io,
    );
    for (
      let i = 0;
      i < 400 && !existsSync(join(cwd, "compare-stopped", "rnn", "metrics.jsonl"));
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    io.interrupt();
    expect(await running).toBe(130);
    expect(io.out()).toContain("interrupted: the table holds the models trained so far");
  });
});

describe("gradient flow on a series", () => {
  it("the ar cell's state gets real gradients: ∂L/∂window_t is non-zero for the last τ steps", async () => {
    writeJson(cwd, "sine-ar.json", {
      data: {
        dataset: { name: "noisy-sine", length: 400 },
        split: { train: 0.7, validation: 0.15, test: 0.15 },
      },
      model: { cell: { name: "ar", tau: 4, hidden: 8 } },
      optimizer: { name: "adam", lr: 0.01 },
      train: { steps: 4, batchSize: 4, bptt: 16, evalEvery: 4, checkpointEvery: 4 },
    });
    const result = await cli(cwd, "train", "sine-ar.json", "--out", "sine-ar");
    expect(result.err).toBe("");
    const flow = readJson(join(cwd, "sine-ar", "gradflow.json"));
    const norms = flow.norms[0] as number[];
    expect(norms).toHaveLength(16);
    // L is the loss at the last step; window_t holds x_{t−3..t}, so only the last 4 windows reach it.
    expect(norms.slice(-4).every((n) => n > 0)).toBe(true);
    expect(norms.slice(0, -4).every((n) => n === 0)).toBe(true);
  });
});

describe("list agrees with train on what is trainable", () => {
  it("marks the datasets train refuses, with train's own reason", async () => {
    const listed = await cli(cwd, "list", "--kind", "dataset");
    const line = (name: string) =>
      listed.out.split("\n").find((l) => l.startsWith(`  ${name} `)) ?? "";
    const refused = await cli(
      cwd,
      "train",
      "--dataset",
      "copy-task",
      "--steps",
      "2",
      "--out",
      "copy",
    );
    if (refused.code === 0) {
      expect(line("copy-task")).not.toContain("not trainable"); // trainable now: listed as such
      return;
    }
    expect(line("copy-task")).toContain("[not trainable by train: an endless synthetic task");
    expect(line("adding-task")).toContain("[not trainable by train:");
    expect(line("moby-dick")).not.toContain("not trainable");
    expect(refused.err).toContain(
      "an endless synthetic task, which the trainer does not train on yet",
    );
  }, 60_000); // copy-task trains now: two steps and a validation pass of 512 examples
});

describe("the README's commands run as printed", () => {
  const readme = readFileSync(join(trainerDir, "README.md"), "utf8");
  it("the noisy-sine ar example trains (shortened with --steps)", async () => {
    const line = readme.split("\n").find((l) => l.includes("train --dataset noisy-sine --cell ar"));
    expect(line).toBeDefined();
    const args = (line as string)
      .replace(/^.*?recurrent\s+/, "")
      .trim()
      .split(/\s+/);
    const result = await cli(cwd, ...args, "--steps", "3", "--out", "readme-sine");
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
  });
});
