#!/usr/bin/env node
// TensorFlow.js 4.22 reference (backend `cpu` or `wasm`) for recurrent's benchmarks.
//
// Prints JSON lines only on stdout (one object per line); tfjs's own warnings go to stderr.
//
//   node bench/refs/tfjs-bench.mjs --backend wasm|cpu [--bench env,gemm,w2,w3,mem]
//        [--cell rnn,lstm,gru] [--warmup N] [--steps N] [--tokens N] [--gen-runs N]
//        [--gemm-sizes 64,128,256,512,1024] [--no-rnn-shapes] [--gemm-budget SECONDS]
//        [--loss softmax|logits] [--mem-steps N]
//
// Defaults: every workload, every cell; w2 times 1 warm-up + 2 steps on cpu (an LSTM step there
// takes ~9 s) and 1 + 5 on wasm. `mem` (peak RSS of a process that only runs the w2 LSTM step)
// always runs in a process of its own: asked for with other workloads, this script re-runs
// itself with `--bench mem`.
//
// The model is built the tfjs-layers way: tf.layers.simpleRNN / lstm / gru (returnSequences,
// recurrentInitializer 'glorotUniform': the default orthogonal initializer takes ~2 minutes per
// LSTM(256) on the cpu backend and does not change step times) -> tf.layers.dense(65), trained
// with model.trainOnBatch and Adam(2e-3). Loss, by default (`--loss softmax`): the dense layer
// has a softmax activation and the loss is tfjs-layers' 'categoricalCrossentropy' on the
// probabilities (the idiomatic tfjs-layers way); `--loss logits` uses a linear dense layer and
// tf.losses.softmaxCrossEntropy on the logits instead. Both are the mean over 32x64 positions.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const T_START = performance.now();

// ------------------------------------------------------------------------------------------
// arguments
// ------------------------------------------------------------------------------------------
function parseArgs(argv) {
  const o = {
    backend: "wasm",
    bench: ["env", "gemm", "w2", "w3", "mem"],
    cell: ["rnn", "lstm", "gru"],
    warmup: undefined,
    steps: undefined,
    tokens: 500,
    genRuns: 3,
    gemmSizes: [64, 128, 256, 512, 1024],
    rnnShapes: true,
    gemmBudget: 1.5,
    loss: "softmax",
    memSteps: 2,
  };
  const csv = (s) =>
    String(s)
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    const key = eq > 0 ? a.slice(0, eq) : a;
    const val = () => (eq > 0 ? a.slice(eq + 1) : argv[++i]);
    switch (key) {
      case "--backend":
        o.backend = val();
        break;
      case "--bench":
        o.bench = csv(val());
        break;
      case "--cell":
        o.cell = csv(val());
        break;
      case "--warmup":
        o.warmup = Number(val());
        break;
      case "--steps":
        o.steps = Number(val());
        break;
      case "--tokens":
        o.tokens = Number(val());
        break;
      case "--gen-runs":
        o.genRuns = Number(val());
        break;
      case "--gemm-sizes":
        o.gemmSizes = csv(val()).map(Number);
        break;
      case "--no-rnn-shapes":
        o.rnnShapes = false;
        break;
      case "--gemm-budget":
        o.gemmBudget = Number(val());
        break;
      case "--loss":
        o.loss = val();
        break;
      case "--mem-steps":
        o.memSteps = Number(val());
        break;
      case "-h":
      case "--help":
        process.stderr.write(
          "usage: node tfjs-bench.mjs --backend wasm|cpu [--bench env,gemm,w2,w3,mem] " +
            "[--cell rnn,lstm,gru] [--warmup N] [--steps N] [--tokens N] [--gen-runs N] " +
            "[--gemm-sizes 64,...] [--no-rnn-shapes] [--gemm-budget S] [--loss softmax|logits] " +
            "[--mem-steps N]\n",
        );
        process.exit(0);
        break;
      default:
        throw new Error(`tfjs-bench: unknown argument ${a}`);
    }
  }
  if (!["cpu", "wasm"].includes(o.backend)) throw new Error(`unknown backend ${o.backend}`);
  if (!["softmax", "logits"].includes(o.loss)) throw new Error(`unknown --loss ${o.loss}`);
  o.warmup ??= 1;
  o.steps ??= o.backend === "cpu" ? 2 : 5;
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const IMPL = `tfjs-${opts.backend}`;

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
/** round to 4 significant digits */
const rnd = (x) => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(4)) : x);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB

// ------------------------------------------------------------------------------------------
// mem runs in a process of its own
// ------------------------------------------------------------------------------------------
let memChild = false;
if (opts.bench.includes("mem") && !(opts.bench.length === 1)) {
  opts.bench = opts.bench.filter((b) => b !== "mem");
  memChild = true;
}

// ------------------------------------------------------------------------------------------
// TensorFlow.js set-up
// ------------------------------------------------------------------------------------------
// The umbrella package is required: with only core + layers + backend-cpu, building an LSTM
// throws `rMat.flatten is not a function`.
const tf = require("@tensorflow/tfjs");
if (opts.backend === "wasm") {
  const wasm = require("@tensorflow/tfjs-backend-wasm");
  // setWasmPaths wants the package's dist/ directory as a plain path ending in a separator
  // (not a file:// URL), before setBackend('wasm').
  const pkgDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
  wasm.setWasmPaths(path.join(pkgDir, "dist") + path.sep);
}
if (!(await tf.setBackend(opts.backend)))
  throw new Error(`tf.setBackend('${opts.backend}') failed`);
await tf.ready();
const importRss = rssMb();

if (opts.bench.includes("env")) {
  const line = {
    bench: "env",
    impl: IMPL,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    node: process.version,
    loss: opts.loss,
  };
  if (opts.backend === "wasm") {
    line.simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    line.multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
    line.threads = require("@tensorflow/tfjs-backend-wasm").getThreadsCount();
  } else {
    line.threads = 1;
  }
  emit(line);
}

// ------------------------------------------------------------------------------------------
// W1 GEMM
// ------------------------------------------------------------------------------------------
function gemmShapes() {
  const shapes = opts.gemmSizes.map((n) => [n, n, n, false, false]);
  if (opts.rnnShapes) {
    shapes.push(
      [32, 256, 1024, false, false], // forward: x[32,256] . W[256,1024]
      [32, 1024, 256, false, true], // grad of input: dY[32,1024] . W[256,1024]^T
      [256, 32, 1024, true, false], // grad of weight: X[32,256]^T . dY[32,1024]
    );
  }
  return shapes;
}

/** median seconds per call: 1 warm-up, then samples of `reps` calls (>= 20 ms each). */
function timeMedian(fn, budgetS) {
  fn();
  let t0 = performance.now();
  fn();
  const one = Math.max((performance.now() - t0) / 1e3, 1e-7);
  const reps = Math.max(1, Math.floor(0.02 / one));
  const minSamples = one > 0.5 ? 2 : 3;
  const samples = Math.max(minSamples, Math.min(7, Math.floor(budgetS / (one * reps))));
  const ts = reps === 1 ? [one] : [];
  while (ts.length < samples) {
    t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    ts.push((performance.now() - t0) / 1e3 / reps);
  }
  return median(ts);
}

function benchGemm() {
  for (const [m, k, n, ta, tb] of gemmShapes()) {
    const a = tf.randomNormal(ta ? [k, m] : [m, k], 0, 1, "float32", 1); // stored layout
    const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 1, "float32", 2);
    const t = timeMedian(() => {
      const c = tf.matMul(a, b, ta, tb);
      c.dataSync(); // read the result: honest for any backend
      c.dispose();
    }, opts.gemmBudget);
    a.dispose();
    b.dispose();
    emit({ bench: "gemm", impl: IMPL, m, k, n, ta, tb, gflops: rnd((2 * m * k * n) / t / 1e9) });
  }
}

// ------------------------------------------------------------------------------------------
// W2 char-LM training step
// ------------------------------------------------------------------------------------------
const V = 65;
const H = 256;
const B = 32;
const T = 64;

function recurrentLayer(cell, extra) {
  const cfg = { units: H, recurrentInitializer: "glorotUniform", ...extra };
  if (cell === "rnn") return tf.layers.simpleRNN({ activation: "tanh", ...cfg });
  if (cell === "lstm") return tf.layers.lstm(cfg);
  if (cell === "gru") return tf.layers.gru(cfg);
  throw new Error(`unknown cell ${cell}`);
}

/** A fixed random batch: a random symbol stream per row, targets = the next symbol. */
function fixedBatch(seed = 1) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const seq = new Int32Array(B * (T + 1)).map(() => next() % V);
  const xi = new Int32Array(B * T);
  const yi = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      xi[b * T + t] = seq[b * (T + 1) + t];
      yi[b * T + t] = seq[b * (T + 1) + t + 1];
    }
  }
  return tf.tidy(() => ({
    x: tf.oneHot(tf.tensor2d(xi, [B, T], "int32"), V).toFloat(), // [B, T, V]
    y: tf.oneHot(tf.tensor2d(yi, [B, T], "int32"), V).toFloat(), // [B, T, V] one-hot targets
  }));
}

function makeW2(cell) {
  const model = tf.sequential();
  model.add(recurrentLayer(cell, { returnSequences: true, inputShape: [T, V] })); // zero init state
  if (opts.loss === "softmax") {
    model.add(tf.layers.dense({ units: V, activation: "softmax" }));
    model.compile({ optimizer: tf.train.adam(2e-3), loss: "categoricalCrossentropy" });
  } else {
    model.add(tf.layers.dense({ units: V }));
    model.compile({
      optimizer: tf.train.adam(2e-3),
      loss: (yTrue, logits) => tf.losses.softmaxCrossEntropy(yTrue, logits), // mean over B*T
    });
  }
  const { x, y } = fixedBatch();
  // forward + backward (full BPTT) + Adam update + reading the scalar loss
  const step = async () => model.trainOnBatch(x, y);
  const dispose = () => {
    x.dispose();
    y.dispose();
    model.dispose();
  };
  return { step, dispose };
}

async function benchW2(cell) {
  const { step, dispose } = makeW2(cell);
  for (let i = 0; i < opts.warmup; i++) await step();
  const ts = [];
  let loss = Number.NaN;
  for (let i = 0; i < opts.steps; i++) {
    const t0 = performance.now();
    loss = await step();
    ts.push(performance.now() - t0);
  }
  dispose();
  const ms = median(ts);
  emit({
    bench: "w2",
    cell,
    impl: IMPL,
    threads: 1,
    ms_per_step: rnd(ms),
    tokens_per_s: rnd((B * T) / (ms / 1e3)),
    steps: opts.steps,
    warmup: opts.warmup,
    loss: rnd(loss),
  });
}

// ------------------------------------------------------------------------------------------
// W3 generation: batch 1, LSTM 256, argmax fed back, state carried, forward only
// ------------------------------------------------------------------------------------------
function benchW3() {
  const model = tf.sequential();
  model.add(recurrentLayer("lstm", { stateful: true, batchInputShape: [1, 1, V] }));
  model.add(tf.layers.dense({ units: V }));
  const generate = (n) => {
    model.resetStates(); // zero state
    let tok = 0;
    for (let i = 0; i < n; i++) {
      const next = tf.tidy(() => {
        const x = tf.oneHot(tf.tensor1d([tok], "int32"), V).reshape([1, 1, V]);
        return model.predictOnBatch(x).argMax(-1);
      });
      tok = next.dataSync()[0];
      next.dispose();
    }
    return tok;
  };
  generate(50);
  const ts = [];
  for (let r = 0; r < Math.max(1, opts.genRuns); r++) {
    const t0 = performance.now();
    generate(opts.tokens);
    ts.push(performance.now() - t0);
  }
  model.dispose();
  emit({
    bench: "w3",
    cell: "lstm",
    impl: IMPL,
    ms_per_token: rnd(median(ts) / opts.tokens),
    tokens: opts.tokens,
  });
}

// ------------------------------------------------------------------------------------------
// mem: peak RSS of a process that runs only the w2 LSTM step
// ------------------------------------------------------------------------------------------
async function benchMem() {
  const { step } = makeW2("lstm");
  for (let i = 0; i < Math.max(1, opts.memSteps); i++) await step();
  emit({
    bench: "mem",
    cell: "lstm",
    impl: IMPL,
    peak_rss_mb: rnd(peakRssMb()),
    after_import_rss_mb: rnd(importRss),
    steps: Math.max(1, opts.memSteps),
  });
}

// ------------------------------------------------------------------------------------------
if (opts.bench.includes("gemm")) benchGemm();
if (opts.bench.includes("w2")) for (const cell of opts.cell) await benchW2(cell);
if (opts.bench.includes("w3")) benchW3();
if (opts.bench.length === 1 && opts.bench[0] === "mem") await benchMem();

if (memChild) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(
    process.execPath,
    [
      self,
      "--backend",
      opts.backend,
      "--bench",
      "mem",
      "--mem-steps",
      String(opts.memSteps),
      "--loss",
      opts.loss,
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  );
  if (r.status !== 0)
    emit({
      bench: "mem",
      cell: "lstm",
      impl: IMPL,
      error: `mem child exited ${r.status ?? r.signal}`,
    });
}
process.stderr.write(
  `tfjs-bench (${IMPL}): done in ${((performance.now() - T_START) / 1e3).toFixed(1)} s\n`,
);
