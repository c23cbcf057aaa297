/**
 * `recurrent export` and `recurrent import`, end to end on a tiny run:
 *
 * - ONNX: the --step model, run in ONNX Runtime one token at a time with a
 *   greedy pick written here (not the trainer's), writes the same text as
 *   `recurrent generate --greedy`; the whole-sequence model gives the
 *   logits our model gives.
 * - PyTorch: torch_export_check.py (run with /usr/bin/python3's torch)
 *   loads the folder, matches our forward pass within 1e-5, and train.py,
 *   continuing from the exported optimizer state on the exported data plan,
 *   reaches the parameters our own resumed session reaches.
 * - Import: fixtures made by torch alone (fixtures/torch, see the script's
 *   `fixtures` mode) come in as a run whose logits equal torch's, and whose
 *   optimizer takes the same three Adam steps torch took; a config that does
 *   not fit lists every mismatched key.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backward } from "@recurrent/autograd";
import { loadSafetensors, saveSafetensors } from "@recurrent/nn";
import { describeOnnx, onnxNames } from "@recurrent/onnx";
import { clipGradNorm } from "@recurrent/optim";
import { type Tensor, tensor } from "@recurrent/tensor";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "./io.js";
import { Session } from "./session.js";
import { openRun } from "./setup.js";
import { cli, workspace } from "./testing/fixtures.js";

const fixtures = fileURLToPath(new URL("../fixtures/torch/", import.meta.url));
const checkScript = fileURLToPath(new URL("../scripts/torch_export_check.py", import.meta.url));
const hasTorch =
  spawnSync(
    "/usr/bin/python3",
    ["-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"],
    { stdio: "ignore" },
  ).status === 0;

async function openSession(cwd: string, run: string): Promise<Session> {
  const io = memoryIo(cwd);
  const opened = await openRun(run, io, [], {});
  return Session.create(opened.config, opened.registry, {
    cwd,
    checkpoint: opened.checkpoint,
    plugins: opened.plugins,
  });
}

function maxDifference(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)));
  }
  return worst;
}

describe("recurrent export on a tiny character LSTM", () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = workspace();
    const trained = await cli(cwd, "train", "tiny.json", "--out", "run");
    expect(trained.code, trained.err).toBe(0);
  });

  it("--format onnx --step: ONNX Runtime, greedy, writes what `generate --greedy` writes", async () => {
    const exported = await cli(cwd, "export", "run", "--format", "onnx", "--step");
    expect(exported.err).toBe("");
    expect(exported.out).toContain("run/model-step.onnx");
    const prefix = "the wh";
    const length = 40;
    const generated = await cli(
      cwd,
      "generate",
      "run",
      "--greedy",
      "--prefix",
      prefix,
      "--length",
      String(length),
    );
    expect(generated.code, generated.err).toBe(0);

    const bytes = new Uint8Array(readFileSync(join(cwd, "run", "model-step.onnx")));
    const { metadata } = describeOnnx(bytes);
    const tokens: string[] = JSON.parse(metadata["recurrent.tokenizer"] ?? "{}").vocabulary.tokens;
    expect(tokens.slice(0, 4)).toEqual(["<pad>", "<unk>", "<bos>", "<eos>"]);
    const session = await ort.InferenceSession.create(bytes);
    const zeros = () => new ort.Tensor("float32", new Float32Array(12), [1, 1, 12]);
    let state: Record<string, ort.Tensor> = { h0: zeros(), c0: zeros() };
    let logits: ArrayLike<number> = new Float32Array();
    const feed = async (id: number) => {
      const result = await session.run({
        ...state,
        [onnxNames.input]: new ort.Tensor("int64", BigInt64Array.of(BigInt(id)), [1]),
      });
      logits = result[onnxNames.output]?.data as ArrayLike<number>;
      state = { h0: result.hn as ort.Tensor, c0: result.cn as ort.Tensor };
    };
    for (const char of prefix) await feed(tokens.indexOf(char));
    const out: string[] = [...prefix];
    for (let i = 0; i < length; i++) {
      let best = 4; // the four reserved tokens are never written
      for (let id = 5; id < logits.length; id++)
        if ((logits[id] as number) > (logits[best] as number)) best = id;
      out.push(tokens[best] as string);
      await feed(best);
    }
    expect(`${out.join("")}\n`).toBe(generated.out);
  });

  it("--format onnx: the whole-sequence graph gives our logits and final state", async () => {
    const exported = await cli(cwd, "export", "run", "--format", "onnx", "--out", "tiny.onnx");
    expect(exported.code, exported.err).toBe(0);
    const ours = await openSession(cwd, "run");
    ours.model.eval();
    const ids = Int32Array.from(
      { length: 14 },
      (_, i) => 4 + ((i * 5) % (ours.model.outputSize - 4)),
    );
    const x = tensor(ids, { shape: [7, 2], dtype: "int32" });
    const { output, state } = ours.model.forward(x);
    const session = await ort.InferenceSession.create(join(cwd, "tiny.onnx"));
    const zeros = () => new ort.Tensor("float32", new Float32Array(24), [1, 2, 12]);
    const result = await session.run({
      input: new ort.Tensor(
        "int64",
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [7, 2],
      ),
      h0: zeros(),
      c0: zeros(),
    });
    expect(maxDifference(result.output?.data as Float32Array, output.data())).toBeLessThanOrEqual(
      1e-5,
    );
    expect(
      maxDifference(result.cn?.data as Float32Array, (state.c as Tensor).data()),
    ).toBeLessThanOrEqual(1e-5);
  });

  it("refuses a missing or unknown --format before opening the run", async () => {
    const missing = await cli(cwd, "export", "run");
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--format: expected "onnx" or "pytorch", got nothing');
    const unknown = await cli(cwd, "export", "nowhere", "--format", "tflite");
    expect(unknown.err).toContain('--format: expected "onnx" or "pytorch", got "tflite"');
    const misplaced = await cli(cwd, "export", "run", "--format", "pytorch", "--step");
    expect(misplaced.err).toContain("--step: only for --format onnx");
  });

  it.skipIf(!hasTorch)(
    `--format pytorch: torch matches our forward pass, and train.py continues our trajectory${hasTorch ? "" : " (skipped: /usr/bin/python3 cannot import torch)"}`,
    async () => {
      const exported = await cli(
        cwd,
        "export",
        "run",
        "--format",
        "pytorch",
        "--out",
        "torch-export",
      );
      expect(exported.code, exported.err).toBe(0);
      for (const file of [
        "model.safetensors",
        "model.py",
        "optimizer.safetensors",
        "tokenizer.json",
        "train.py",
        "config.json",
      ]) {
        expect(existsSync(join(cwd, "torch-export", file)), file).toBe(true);
      }
      expect(
        Object.keys(
          loadSafetensors(
            new Uint8Array(readFileSync(join(cwd, "torch-export", "model.safetensors"))),
          ).tensors,
        ).sort(),
      ).toEqual([
        "embedding.weight",
        "head.bias",
        "head.weight",
        "recurrent.bias_hh_l0",
        "recurrent.bias_ih_l0",
        "recurrent.weight_hh_l0",
        "recurrent.weight_ih_l0",
      ]);
      // What our trainer does from the same checkpoint: a forward pass, then three steps.
      const ours = await openSession(cwd, "run");
      const input = tensor(
        Int32Array.from({ length: 10 }, (_, i) => 4 + i),
        { shape: [5, 2], dtype: "int32" },
      );
      ours.model.eval();
      const output = ours.model.forward(input).output;
      ours.model.train();
      const steps = 3;
      for (let i = 0; i < steps; i++) ours.trainStep();
      const expectation: Record<string, Tensor> = { input, output };
      for (const [name, p] of ours.parameters) expectation[`param.${name}`] = p;
      writeFileSync(
        join(cwd, "expect.safetensors"),
        saveSafetensors(expectation, { steps: String(steps) }),
      );
      const check = await runProcess("/usr/bin/python3", [
        checkScript,
        "check",
        join(cwd, "torch-export"),
        join(cwd, "expect.safetensors"),
      ]);
      expect(check.status, `${check.stdout}\n${check.stderr}`).toBe(0);
      expect(check.stdout).toMatch(/trajectory: 3 steps, 7 parameters, 0 off/);
    },
    120_000,
  );

  it.skipIf(!hasTorch)(
    `round trip: train.py takes 3 steps, import brings the run home, resume goes on as if it never left${hasTorch ? "" : " (skipped)"}`,
    async () => {
      const exported = await cli(cwd, "export", "run", "--format", "pytorch", "--out", "trip");
      expect(exported.code, exported.err).toBe(0);
      const trained = await runProcess("/usr/bin/python3", [
        join(cwd, "trip", "train.py"),
        "--steps",
        "3",
      ]);
      expect(trained.status, trained.stderr).toBe(0);
      expect(trained.stdout).toContain(
        "saved model.safetensors and optimizer.safetensors at step 11",
      );
      const home = await cli(
        cwd,
        "import",
        "trip/model.safetensors",
        "--config",
        "trip/recurrent.json",
        "--optimizer",
        "trip/optimizer.safetensors",
        "--out",
        "home",
      );
      expect(home.out).toContain("step 11, data position and state from the export's config.json");
      // The trainer alone, from the same checkpoint, to step 13; and the run that went to PyTorch and back.
      cpSync(join(cwd, "run"), join(cwd, "stayed"), { recursive: true });
      for (const run of ["stayed", "home"]) {
        const resumed = await cli(cwd, "resume", run, "--steps", "13");
        expect(resumed.code, resumed.err).toBe(0);
      }
      const stayed = await openSession(cwd, "stayed");
      const returned = await openSession(cwd, "home");
      expect(returned.step).toBe(13);
      for (const [name, p] of stayed.parameters) {
        const other = returned.parameters.find(([n]) => n === name)?.[1] as Tensor;
        expect(maxDifference(other.data(), p.data()), name).toBeLessThanOrEqual(1e-4);
      }
    },
    120_000,
  );
});

describe("recurrent import of weights torch trained", () => {
  let cwd: string;
  const expectation = () =>
    loadSafetensors(new Uint8Array(readFileSync(join(fixtures, "expect.safetensors")))).tensors;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), "recurrent-import-"));
    for (const file of [
      "text.txt",
      "recurrent.json",
      "start.safetensors",
      "start-optimizer.safetensors",
    ]) {
      copyFileSync(join(fixtures, file), join(cwd, file));
    }
  });

  it("makes a run whose logits are torch's and whose optimizer takes torch's next three steps", async () => {
    const imported = await cli(
      cwd,
      "import",
      "start.safetensors",
      "--config",
      "recurrent.json",
      "--optimizer",
      "start-optimizer.safetensors",
      "--out",
      "imported",
    );
    expect(imported.err).toBe("");
    expect(imported.out).toContain(
      "imported 11 tensors from start.safetensors and the optimizer state into imported",
    );
    const session = await openSession(cwd, "imported");
    const want = expectation();
    session.model.eval();
    const { output } = session.model.forward(want.input as Tensor);
    expect(maxDifference(output.data(), (want.output as Tensor).data())).toBeLessThanOrEqual(1e-5);
    session.model.train();
    for (let i = 0; i < 3; i++) {
      session.optimizer.zeroGrad();
      const logits = session.model.forward(want[`batch.${i}.x`] as Tensor).output;
      const loss = session.loss(logits, want[`batch.${i}.y`] as Tensor);
      expect(loss.item()).toBeCloseTo((want[`loss.${i}`] as Tensor).data()[0] as number, 5);
      backward(loss);
      clipGradNorm(session.parameters, 1);
      session.optimizer.step();
    }
    for (const [name, p] of session.parameters) {
      const theirs = (want[`param.${name}`] as Tensor).data();
      const mine = p.data();
      for (let i = 0; i < theirs.length; i++) {
        const allowed = 1e-6 + 1e-5 * Math.abs(theirs[i] as number);
        if (!(Math.abs((mine[i] as number) - (theirs[i] as number)) <= allowed)) {
          expect.fail(`${name}[${i}]: ours ${mine[i]}, torch ${theirs[i]}`);
        }
      }
    }
    const onnx = await cli(cwd, "export", "imported", "--format", "onnx");
    expect(onnx.code, onnx.err).toBe(0);
  });

  it("lists every key that does not fit, as the checkpoint loader does", async () => {
    const wrong = await cli(
      cwd,
      "import",
      "start.safetensors",
      "--config",
      "recurrent.json",
      "--hidden",
      "7",
      "--out",
      "wrong",
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain(
      "start.safetensors does not match the model this config builds (lstm, 2 layer(s)); is it the right --config?",
    );
    expect(wrong.err).toContain(
      'size mismatch for "recurrent.weight_hh_l0": expected [28,7], got [24,6]',
    );
    expect(wrong.err).toContain('size mismatch for "head.weight": expected [18,7], got [18,6]');
    expect(existsSync(join(cwd, "wrong"))).toBe(false);
  });

  it("asks for --config, and names a missing file", async () => {
    const noConfig = await cli(cwd, "import", "start.safetensors");
    expect(noConfig.code).toBe(2);
    expect(noConfig.err).toContain("import: expected --config <file>");
    const missing = await cli(cwd, "import", "nothing.safetensors", "--config", "recurrent.json");
    expect(missing.err).toContain("nothing.safetensors: no such file");
  });
});

/** Run a process without blocking the worker (torch takes seconds to import). */
function runProcess(
  command: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
