/**
 * Long-run training parity with PyTorch, the harness behind the "Long-run
 * training parity" section of packages/cells/README.md.
 *
 *     pnpm parity:long [--steps 1000] [--hidden 256] [--seeds 3] [--own-steps 1000] [--out FILE]
 *
 * A character LSTM on Moby Dick (one-hot characters, one LSTM layer, a
 * linear head, batch 32 × 64 with sequential batches and the state carried,
 * Adam 2e-3, gradient clipping at norm 5), in two parts:
 *
 * 1. **Same everything.** Our initial weights and our batch stream (the
 *    start of every row of every step, and where the state resets) are
 *    written to a scratch folder; torch_parity_long.py loads them into
 *    torch.nn.LSTM + nn.Linear and both sides train `--steps` steps. Per-step
 *    losses are compared: equal to float32 noise at first, and the mean of
 *    the last 100 steps within 0.3 %.
 * 2. **Each side its own.** Our default initialisation and our batching
 *    (@recurrent/data's sequentialBatches with its random offset per epoch)
 *    against PyTorch's own (torch.manual_seed, nn.LSTM's default init, the
 *    usual random-offset batching), `--seeds` seeds each, `--own-steps`
 *    steps; both evaluated the same way on the validation split (32
 *    contiguous rows, windows of 64, state carried from zeros).
 *
 * Both parts run PyTorch in a child process while ours trains, one thread
 * each (the machine is shared). The summary goes to stdout and, with every
 * per-step loss, to `--out` (JSON).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { backward } from "@recurrent/autograd";
import { type CellState, createCell, detachState, lstm, SequenceModel } from "@recurrent/cells";
import { sequentialBatches } from "@recurrent/data";
import { loadMobyDick } from "@recurrent/datasets";
import { crossEntropy, saveSafetensors } from "@recurrent/nn";
import { adam, clipGradNorm, Optimizer } from "@recurrent/optim";
import { type Tensor, tensor, tidy } from "@recurrent/tensor";

const here = dirname(fileURLToPath(import.meta.url));

interface Options {
  steps: number;
  hidden: number;
  seeds: number;
  ownSteps: number;
  out: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    steps: 1000,
    hidden: 256,
    seeds: 3,
    ownSteps: 1000,
    out: join(tmpdir(), "recurrent-parity-long", "result.json"),
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    const known: Record<string, keyof Options> = {
      "--steps": "steps",
      "--hidden": "hidden",
      "--seeds": "seeds",
      "--own-steps": "ownSteps",
      "--out": "out",
    };
    const field = key === undefined ? undefined : known[key];
    if (field === undefined || value === undefined) {
      throw new Error(
        `parity-long: expected --steps N, --hidden N, --seeds N, --own-steps N or --out FILE, got ${key ?? "nothing"} ${value ?? ""}`,
      );
    }
    if (field === "out") options.out = value;
    else {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`parity-long: ${key} must be a whole number >= 0, got ${value}`);
      options[field] = n;
    }
  }
  return options;
}

const BATCH = 32;
const BPTT = 64;
const LR = 2e-3;
const CLIP = 5;

/** The text as ids of its sorted distinct characters, and the 90 / 5 / 5 split by position. */
function corpus() {
  const text = loadMobyDick();
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  const ids = Int32Array.from(text, (c) => index.get(c) as number);
  const trainEnd = Math.floor(ids.length * 0.9);
  const validEnd = Math.floor(ids.length * 0.95);
  return {
    vocab: chars.length,
    ids,
    train: ids.subarray(0, trainEnd),
    validation: ids.subarray(trainEnd, validEnd),
  };
}

/** A batch of `starts`: inputs ids[s + t], targets ids[s + t + 1], both int32 [T, B]. */
function batchAt(ids: Int32Array, starts: ArrayLike<number>): { inputs: Tensor; targets: Tensor } {
  const B = starts.length;
  const inputs = new Int32Array(BPTT * B);
  const targets = new Int32Array(BPTT * B);
  for (let t = 0; t < BPTT; t++) {
    for (let b = 0; b < B; b++) {
      const s = (starts[b] as number) + t;
      inputs[t * B + b] = ids[s] as number;
      targets[t * B + b] = ids[s + 1] as number;
    }
  }
  return {
    inputs: tensor(inputs, { shape: [BPTT, B], dtype: "int32" }),
    targets: tensor(targets, { shape: [BPTT, B], dtype: "int32" }),
  };
}

function buildModel(vocab: number, hidden: number, seed: number): SequenceModel {
  return new SequenceModel(createCell(lstm, { hidden }), {
    input: { kind: "one-hot", vocab },
    outputSize: vocab,
    seed,
  });
}

/** Train on `plan` (row starts and resets per step); returns the loss of every step. */
function train(
  model: SequenceModel,
  ids: Int32Array,
  plan: readonly { starts: Int32Array; reset: boolean }[],
  progress: (step: number, loss: number) => void,
): number[] {
  const parameters = model.namedParameters();
  const optimizer = new Optimizer(parameters, adam({ lr: LR }));
  let carried: CellState | null = null;
  const losses: number[] = [];
  for (const [step, { starts, reset }] of plan.entries()) {
    const { loss, next } = tidy(() => {
      const { inputs, targets } = batchAt(ids, starts);
      optimizer.zeroGrad();
      const initial = reset ? null : carried;
      const out = model.forward(inputs, initial === null ? {} : { state: initial });
      const value = crossEntropy(out.output, targets);
      backward(value);
      clipGradNorm(parameters, CLIP);
      optimizer.step();
      return { loss: value.item(), next: detachState(out.state) };
    });
    if (carried !== null) for (const t of Object.values(carried)) t.dispose();
    carried = next;
    losses.push(loss);
    progress(step + 1, loss);
  }
  return losses;
}

/** Mean cross-entropy over the validation split: 32 contiguous rows, windows of 64, state from zeros. */
function evaluate(model: SequenceModel, ids: Int32Array): number {
  const rowLength = Math.floor((ids.length - 1) / BATCH);
  const windows = Math.floor(rowLength / BPTT);
  let state: CellState | null = null;
  let total = 0;
  for (let w = 0; w < windows; w++) {
    const starts = Int32Array.from({ length: BATCH }, (_, b) => b * rowLength + w * BPTT);
    const { value, next } = tidy(() => {
      const { inputs, targets } = batchAt(ids, starts);
      const out = model.forward(inputs, state === null ? {} : { state });
      return { value: crossEntropy(out.output, targets).item(), next: detachState(out.state) };
    });
    if (state !== null) for (const t of Object.values(state)) t.dispose();
    state = next;
    total += value;
  }
  return total / windows;
}

/** Our batching: sequentialBatches (random offset per epoch), as row starts per step. */
function ourPlan(train: Int32Array, steps: number, seed: number) {
  const stream = sequentialBatches(train, { batchSize: BATCH, numSteps: BPTT, seed });
  const plan: { starts: Int32Array; reset: boolean }[] = [];
  for (let s = 0; s < steps; s++) {
    const batch = stream.nextBatch();
    plan.push({ starts: Int32Array.from(batch.starts), reset: batch.resetState });
    batch.inputs.dispose();
    batch.targets.dispose();
  }
  return plan;
}

function runPython(args: string[], log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("/usr/bin/python3", [join(here, "torch_parity_long.py"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stdout.on("data", (chunk) => process.stdout.write(`[torch ${log}] ${chunk}`));
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`torch_parity_long.py ${log} exited ${code}: ${stderr}`)),
    );
  });
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(xs.length - 1, 1));
};

async function main() {
  const options = parseArgs(process.argv.slice(2));
  // A scratch folder per result file, so two runs (say, one part each) can go side by side.
  const work = `${options.out}.work`;
  mkdirSync(work, { recursive: true });
  mkdirSync(dirname(options.out), { recursive: true });
  const data = corpus();
  writeFileSync(join(work, "ids.i32"), new Uint8Array(data.ids.buffer));
  const meta = {
    vocab: data.vocab,
    trainLength: data.train.length,
    validationLength: data.validation.length,
    batch: BATCH,
    bptt: BPTT,
    lr: LR,
    clip: CLIP,
    hidden: options.hidden,
  };
  writeFileSync(join(work, "meta.json"), JSON.stringify(meta));
  const started = Date.now();
  const log = (what: string) => (step: number, loss: number) => {
    if (step % 100 === 0)
      console.log(
        `[ours ${what}] step ${step} loss ${loss.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
  };
  const result: Record<string, unknown> = { date: new Date().toISOString(), ...meta };

  // Part 1: the same initial weights and batch stream on both sides.
  if (options.steps > 0) {
    const model = buildModel(data.vocab, options.hidden, 0);
    const plan = ourPlan(data.train, options.steps, 0);
    writeFileSync(join(work, "init.safetensors"), saveSafetensors(model.stateDict()));
    writeFileSync(
      join(work, "plan.json"),
      JSON.stringify(plan.map((p) => ({ starts: Array.from(p.starts), reset: p.reset }))),
    );
    const torchDone = runPython(["same", work], "same");
    const ours = train(model, data.train, plan, log("same"));
    writeFileSync(join(work, "same.ours.json"), JSON.stringify({ losses: ours }));
    await torchDone;
    const theirs = JSON.parse(readFileSync(join(work, "same.json"), "utf8")) as {
      losses: number[];
    };
    const diffs = ours.map((l, i) => Math.abs(l - (theirs.losses[i] as number)));
    const last = (xs: number[]) => mean(xs.slice(-100));
    const firstDiverged = diffs.findIndex((d) => d > 1e-3);
    result.same = {
      steps: options.steps,
      ours,
      torch: theirs.losses,
      maxAbsDiffFirst10: Math.max(...diffs.slice(0, 10)),
      maxAbsDiffFirst100: Math.max(...diffs.slice(0, 100)),
      firstStepOver1e3: firstDiverged < 0 ? null : firstDiverged + 1,
      lastHundredOurs: last(ours),
      lastHundredTorch: last(theirs.losses),
      lastHundredRelative: last(ours) / last(theirs.losses) - 1,
      meanSignedDiffLastHalf: mean(
        ours.slice(ours.length / 2).map((l, i) => l - (theirs.losses[ours.length / 2 + i] ?? 0)),
      ),
    };
    writeFileSync(options.out, JSON.stringify(result, null, 1));
  }

  // Part 2: each side with its own initialisation and batching, several seeds.
  if (options.seeds > 0 && options.ownSteps > 0) {
    const torchDone = runPython(
      ["own", work, String(options.seeds), String(options.ownSteps)],
      "own",
    );
    const ours: { seed: number; validation: number; lastHundred: number }[] = [];
    for (let seed = 0; seed < options.seeds; seed++) {
      const model = buildModel(data.vocab, options.hidden, 1000 + seed);
      const plan = ourPlan(data.train, options.ownSteps, 1000 + seed);
      const losses = train(model, data.train, plan, log(`own seed ${seed}`));
      ours.push({
        seed,
        validation: evaluate(model, data.validation),
        lastHundred: mean(losses.slice(-100)),
      });
    }
    await torchDone;
    const theirs = JSON.parse(readFileSync(join(work, "own.json"), "utf8")) as {
      runs: { seed: number; validation: number; lastHundred: number }[];
    };
    const a = ours.map((r) => r.validation);
    const b = theirs.runs.map((r) => r.validation);
    const se = Math.sqrt(sd(a) ** 2 / a.length + sd(b) ** 2 / b.length);
    result.own = {
      steps: options.ownSteps,
      ours,
      torch: theirs.runs,
      validationMeanOurs: mean(a),
      validationMeanTorch: mean(b),
      difference: mean(a) - mean(b),
      standardErrorOfDifference: se,
    };
  }
  result.seconds = (Date.now() - started) / 1000;
  writeFileSync(options.out, JSON.stringify(result, null, 1));
  const { same, own } = result as { same?: Record<string, unknown>; own?: Record<string, unknown> };
  const brief = (r: Record<string, unknown> | undefined) =>
    r === undefined
      ? undefined
      : Object.fromEntries(Object.entries(r).filter(([, v]) => !Array.isArray(v)));
  console.log(
    JSON.stringify({ same: brief(same), own: own === undefined ? undefined : own }, null, 1),
  );
  console.log(`wrote ${options.out}`);
}

await main();
