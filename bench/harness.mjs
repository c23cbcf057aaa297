// Benchmark harness: runs the reference implementations (PyTorch, TensorFlow.js cpu / wasm) as
// child processes, collects their JSON lines and prints a ratio table.
//
// Library use (what the project's `pnpm bench` runner imports):
//
//   import { runReference, printRatioTable } from '../bench/harness.mjs';
//   const lines = [];
//   for (const kind of ['torch', 'tfjs-wasm', 'tfjs-cpu']) {
//     lines.push(...(await runReference(kind, { bench: ['gemm', 'w2'], cell: ['lstm'] }, { echo: true })));
//   }
//   lines.push(...ourOwnLines);           // {"bench":"w2","cell":"lstm","impl":"recurrent-wasm",...}
//   printRatioTable(lines);                // to stderr: stdout stays pure JSON lines
//
// Command line (JSON lines on stdout, the table on stderr):
//
//   node bench/harness.mjs [--impl torch,tfjs-wasm,tfjs-cpu] [--bench env,gemm,w2,w3,mem]
//        [--cell rnn,lstm,gru] [--warmup N] [--steps N] [--tokens N] [--gemm-sizes 64,...]
//        [--quick] [--no-table]
//
// References run one after another, never side by side (two cores: concurrent runs would time
// each other). Each is its own process, and each reference runs `mem` in a process of its own,
// so a peak RSS belongs to one implementation and one workload.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const TORCH_SCRIPT = path.join(BENCH_DIR, "refs", "torch_bench.py");
export const TFJS_SCRIPT = path.join(BENCH_DIR, "refs", "tfjs-bench.mjs");
export const PYTHON = "/usr/bin/python3";

/** Reference implementations this harness can run. */
export const REFERENCES = ["torch", "tfjs-wasm", "tfjs-cpu"];
/** Every workload, in the order they are run and printed. */
export const BENCHES = ["env", "gemm", "w2", "w3", "mem"];
export const CELLS = ["rnn", "lstm", "gru"];
/** Column order of the ratio table (implementations not listed follow in order of appearance). */
export const IMPL_ORDER = ["torch", "tfjs-wasm", "tfjs-cpu", "recurrent-js", "recurrent-wasm"];

// ------------------------------------------------------------------------------------------
// PyTorch environment: OpenBLAS (openmp build) with AVX-512 kernels
// ------------------------------------------------------------------------------------------

/**
 * Debian's openblas-openmp directory (holds libblas.so.3, liblapack.so.3, libopenblas.so.0),
 * e.g. /usr/lib/x86_64-linux-gnu/openblas-openmp; falls back to openblas-pthread; null if none.
 * Putting it first on LD_LIBRARY_PATH makes torch's NEEDED libblas.so.3 resolve to OpenBLAS
 * whatever Debian's alternatives point at (no `update-alternatives` needed).
 */
export function findOpenBlasDir() {
  const roots = ["/usr/lib", "/lib"];
  for (const flavour of ["openblas-openmp", "openblas-pthread"]) {
    for (const root of roots) {
      let entries = [];
      try {
        entries = readdirSync(root).filter((d) => d.endsWith("-linux-gnu"));
      } catch {
        continue;
      }
      for (const triplet of entries) {
        const dir = path.join(root, triplet, flavour);
        if (existsSync(path.join(dir, "libblas.so.3"))) return dir;
      }
    }
  }
  return null;
}

/** True when the CPU has the AVX-512 subsets OpenBLAS's SkylakeX kernels use. */
export function cpuHasAvx512() {
  try {
    const flags =
      readFileSync("/proc/cpuinfo", "utf8")
        .match(/^flags\s*:(.*)$/m)?.[1]
        .split(/\s+/) ?? [];
    return ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx512cd"].every((f) =>
      flags.includes(f),
    );
  } catch {
    return false;
  }
}

/**
 * Environment for the PyTorch child: OpenBLAS dir first on LD_LIBRARY_PATH,
 * OPENBLAS_CORETYPE=SkylakeX on AVX-512 machines, one OpenMP thread.
 *
 * OPENBLAS_CORETYPE is overridden on purpose: this machine's environment exports
 * OPENBLAS_CORETYPE=Haswell (AVX2 kernels, about half the speed: ~100 instead of ~200 GFLOP/s).
 * To force another core, set RECURRENT_BENCH_OPENBLAS_CORETYPE.
 */
let warnedNoOpenBlas = false;
export function torchEnv(base = process.env) {
  const env = { ...base };
  const dir = findOpenBlasDir();
  if (dir === null && !warnedNoOpenBlas) {
    warnedNoOpenBlas = true;
    process.stderr.write(
      "bench: no OpenBLAS found, so PyTorch runs on Debian's reference BLAS (~4 GFLOP/s): its figures are no speed reference. Install it: apt-get install -y libopenblas0-openmp\n",
    );
  }
  if (dir) env.LD_LIBRARY_PATH = base.LD_LIBRARY_PATH ? `${dir}:${base.LD_LIBRARY_PATH}` : dir;
  if (base.RECURRENT_BENCH_OPENBLAS_CORETYPE)
    env.OPENBLAS_CORETYPE = base.RECURRENT_BENCH_OPENBLAS_CORETYPE;
  else if (cpuHasAvx512()) env.OPENBLAS_CORETYPE = "SkylakeX";
  env.OMP_NUM_THREADS ??= "1";
  env.OPENBLAS_NUM_THREADS ??= "1";
  env.PYTHONUNBUFFERED = "1";
  return env;
}

let torchCheck;
/** Whether `/usr/bin/python3 -c "import torch"` works: { ok, reason }. Cached. */
export function torchAvailable(python = PYTHON) {
  if (torchCheck && torchCheck.python === python) return torchCheck;
  if (!existsSync(python)) {
    torchCheck = { python, ok: false, reason: `${python} not found` };
    return torchCheck;
  }
  const r = spawnSync(python, ["-c", "import torch"], {
    env: torchEnv(),
    encoding: "utf8",
    timeout: 120_000,
  });
  const ok = r.status === 0;
  const lastErr = (r.stderr || String(r.error ?? "")).trim().split("\n").pop();
  torchCheck = {
    python,
    ok,
    reason: ok
      ? ""
      : `${python} -c "import torch" failed: ${lastErr || `exit ${r.status}`} (apt-get install -y python3-torch libopenblas0-openmp)`,
  };
  return torchCheck;
}

// ------------------------------------------------------------------------------------------
// Spawning a reference
// ------------------------------------------------------------------------------------------

const asList = (v) => (v == null ? undefined : Array.isArray(v) ? v : String(v).split(","));

/**
 * Command line shared by both reference scripts.
 * args: { bench, cell, warmup, steps, tokens, genRuns, memSteps, gemmSizes, rnnShapes, extra }
 */
export function referenceArgv(kind, args = {}) {
  const argv = [];
  const bench = asList(args.bench);
  const cell = asList(args.cell);
  if (bench) argv.push("--bench", bench.join(","));
  if (cell) argv.push("--cell", cell.join(","));
  const num = {
    warmup: "--warmup",
    steps: "--steps",
    tokens: "--tokens",
    genRuns: "--gen-runs",
    memSteps: "--mem-steps",
  };
  for (const [k, flag] of Object.entries(num))
    if (args[k] != null) argv.push(flag, String(args[k]));
  if (args.gemmSizes) argv.push("--gemm-sizes", asList(args.gemmSizes).join(","));
  if (args.rnnShapes === false) argv.push("--no-rnn-shapes");
  if (kind.startsWith("tfjs-")) argv.push("--backend", kind.slice("tfjs-".length));
  if (args.extra) argv.push(...args.extra);
  return argv;
}

/** { command, argv, env } for one reference. */
export function referenceCommand(kind, args = {}, { python = PYTHON } = {}) {
  if (kind === "torch")
    return { command: python, argv: [TORCH_SCRIPT, ...referenceArgv(kind, args)], env: torchEnv() };
  if (kind === "tfjs-cpu" || kind === "tfjs-wasm") {
    return {
      command: process.execPath,
      argv: [TFJS_SCRIPT, ...referenceArgv(kind, args)],
      env: { ...process.env },
    };
  }
  throw new Error(`unknown reference "${kind}" (known: ${REFERENCES.join(", ")})`);
}

/** JSON objects of a text of lines; non-JSON lines are returned separately. */
export function parseJsonLines(text) {
  const lines = [];
  const other = [];
  for (const raw of String(text).split("\n")) {
    const s = raw.trim();
    if (!s) continue;
    if (s.startsWith("{")) {
      try {
        lines.push(JSON.parse(s));
        continue;
      } catch {
        /* not JSON after all */
      }
    }
    other.push(raw);
  }
  return { lines, other };
}

/** Lines that say a torch run was skipped, one per requested workload (and cell for w2). */
function skippedLines(args, reason) {
  const bench = (asList(args.bench) ?? BENCHES).filter((b) => b !== "env");
  const cells = asList(args.cell) ?? CELLS;
  const out = [];
  for (const b of bench) {
    if (b === "w2")
      for (const cell of cells) out.push({ bench: "w2", cell, impl: "torch", skipped: reason });
    else if (b === "w3" || b === "mem")
      out.push({ bench: b, cell: "lstm", impl: "torch", skipped: reason });
    else out.push({ bench: b, impl: "torch", skipped: reason });
  }
  return out;
}

/**
 * Run one reference ('torch' | 'tfjs-wasm' | 'tfjs-cpu') in a child process and resolve with its
 * JSON lines (objects). Never rejects for a failing child: a line
 * {"bench":"error","impl":kind,"error":…} is appended instead.
 *
 * options:
 *   echo      write each JSON line to process.stdout as it arrives (default false)
 *   onLine    callback(obj) for each JSON line as it arrives
 *   stderr    'inherit' (default: the child's progress/warnings pass through) | 'pipe' (kept,
 *             returned on the array as `.stderr`) | 'ignore'
 *   timeoutMs kill the child (SIGTERM, by its pid) after this long; default none
 *   python    interpreter for torch (default /usr/bin/python3)
 */
export function runReference(kind, args = {}, options = {}) {
  const { echo = false, onLine, stderr = "inherit", timeoutMs, python = PYTHON } = options;
  const deliver = (obj) => {
    if (echo) process.stdout.write(`${JSON.stringify(obj)}\n`);
    onLine?.(obj);
  };
  if (kind === "torch") {
    const chk = torchAvailable(python);
    if (!chk.ok) {
      const out = skippedLines(args, chk.reason);
      for (const o of out) deliver(o);
      return Promise.resolve(out);
    }
  }
  const { command, argv, env } = referenceCommand(kind, args, { python });
  return new Promise((resolve) => {
    const child = spawn(command, argv, {
      env,
      stdio: ["ignore", "pipe", stderr === "inherit" ? "inherit" : stderr],
    });
    const lines = [];
    let errText = "";
    let buf = "";
    let timer;
    const take = (chunk) => {
      buf += chunk;
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const raw = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const { lines: objs, other } = parseJsonLines(raw);
        for (const o of objs) {
          lines.push(o);
          deliver(o);
        }
        for (const o of other) process.stderr.write(`[${kind} stdout] ${o}\n`);
        nl = buf.indexOf("\n");
      }
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", take);
    if (stderr === "pipe") {
      child.stderr.setEncoding("utf8");
      child.stderr.on("data", (d) => {
        errText += d;
      });
    }
    if (timeoutMs) {
      timer = setTimeout(() => {
        const e = { bench: "error", impl: kind, error: `timed out after ${timeoutMs} ms` };
        lines.push(e);
        deliver(e);
        child.kill("SIGTERM");
      }, timeoutMs);
    }
    const finish = (code, signal, err) => {
      clearTimeout(timer);
      if (buf.trim()) take("\n");
      if (err || code !== 0) {
        const e = {
          bench: "error",
          impl: kind,
          error: err ? String(err.message ?? err) : `exit ${code ?? signal}`,
        };
        if (errText) e.stderr_tail = errText.trim().split("\n").slice(-5).join("\n");
        lines.push(e);
        deliver(e);
      }
      if (stderr === "pipe") lines.stderr = errText;
      resolve(lines);
    };
    child.on("error", (err) => finish(null, null, err));
    child.on("close", (code, signal) => finish(code, signal));
  });
}

/** Run several references one after another; resolves with all their lines. */
export async function runReferences(kinds = REFERENCES, args = {}, options = {}) {
  const all = [];
  for (const kind of kinds) all.push(...(await runReference(kind, args, options)));
  return all;
}

// ------------------------------------------------------------------------------------------
// Ratio table
// ------------------------------------------------------------------------------------------

/** Row key, label and metric of a JSON line; null for lines that are not measurements. */
export function measurementOf(line) {
  if (line.skipped || line.error) return null;
  switch (line.bench) {
    case "gemm": {
      const tr = `${line.ta ? "Aᵀ" : "A"}·${line.tb ? "Bᵀ" : "B"}`;
      return {
        key: `gemm:${line.m}:${line.k}:${line.n}:${line.ta}:${line.tb}`,
        label: `gemm ${line.m}x${line.k}x${line.n} ${tr}`,
        value: line.gflops,
        unit: "GFLOP/s",
        higherIsBetter: true,
      };
    }
    case "w2":
      return {
        key: `w2:${line.cell}`,
        label: `w2 ${line.cell} train step`,
        value: line.ms_per_step,
        unit: "ms/step",
        higherIsBetter: false,
      };
    case "w3":
      return {
        key: `w3:${line.cell}`,
        label: `w3 ${line.cell} generate`,
        value: line.ms_per_token,
        unit: "ms/token",
        higherIsBetter: false,
      };
    case "w4":
      return {
        key: `w4:${line.cell}:${line.hidden}:${line.layers}:${line.steps}`,
        label: `w4 ${line.cell} h${line.hidden}×${line.layers} T${line.steps}`,
        value: line.ms_per_step,
        unit: "ms/step",
        higherIsBetter: false,
      };
    case "w4-rss":
      return {
        key: `w4-rss:${line.cell}:${line.hidden}:${line.layers}:${line.steps}`,
        label: `w4 ${line.cell} h${line.hidden}×${line.layers} T${line.steps}`,
        value: line.peak_rss_mb,
        unit: "MB peak",
        higherIsBetter: false,
      };
    case "mem":
      return {
        key: `mem:${line.cell}`,
        label: `mem ${line.cell} peak RSS`,
        value: line.peak_rss_mb,
        unit: "MB",
        higherIsBetter: false,
      };
    default:
      return null;
  }
}

/**
 * Cost ratio of `value` against `ref`: how many times slower (or bigger) than the reference;
 * > 1 means worse than the reference, < 1 better. For GFLOP/s that is ref/value, for times and
 * memory value/ref.
 */
export function costRatio(value, ref, higherIsBetter) {
  if (!(value > 0) || !(ref > 0)) return Number.NaN;
  return higherIsBetter ? ref / value : value / ref;
}

const fmtNum = (x) => {
  if (!Number.isFinite(x)) return "–";
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toPrecision(3);
};
const fmtRatio = (r) =>
  Number.isFinite(r) ? `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×` : "–";

/** The ratio table as text. */
export function formatRatioTable(lines, { refs = ["torch", "tfjs-wasm"] } = {}) {
  const rows = new Map(); // key -> { label, unit, higherIsBetter, values: Map(impl -> value) }
  const impls = [];
  const skipped = new Map();
  for (const line of lines) {
    if (line.skipped && line.impl) skipped.set(line.impl, line.skipped);
    const m = measurementOf(line);
    if (!m) continue;
    if (!impls.includes(line.impl)) impls.push(line.impl);
    if (!rows.has(m.key)) rows.set(m.key, { ...m, values: new Map() });
    rows.get(m.key).values.set(line.impl, m.value);
  }
  impls.sort((a, b) => {
    const ia = IMPL_ORDER.indexOf(a);
    const ib = IMPL_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
  const refTag = { torch: "T", "tfjs-wasm": "W" };
  const header = ["workload", "unit", ...impls];
  const body = [];
  for (const row of rows.values()) {
    const cells = [row.label, row.unit];
    for (const impl of impls) {
      const v = row.values.get(impl);
      if (v == null) {
        cells.push("");
        continue;
      }
      const parts = [];
      // a reference's column shows ratios only against the references listed before it
      const ri = refs.indexOf(impl);
      for (const ref of ri >= 0 ? refs.slice(0, ri) : refs) {
        const rv = row.values.get(ref);
        if (rv == null) continue;
        parts.push(`${fmtRatio(costRatio(v, rv, row.higherIsBetter))}${refTag[ref] ?? ref}`);
      }
      cells.push(parts.length ? `${fmtNum(v)} (${parts.join(" ")})` : fmtNum(v));
    }
    body.push(cells);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const fmtRow = (r) =>
    r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  const out = [];
  out.push(
    "Ratios are cost ratios, how many times slower (or bigger) than a reference: " +
      "×T against torch, ×W against tfjs-wasm (> 1 worse, < 1 better).",
  );
  out.push(fmtRow(header));
  out.push(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const r of body) out.push(fmtRow(r));
  for (const [impl, why] of skipped) out.push(`${impl} skipped: ${why}`);
  const env = lines.filter((l) => l.bench === "env");
  for (const e of env) {
    if (e.impl === "torch")
      out.push(
        `torch ${e.torch}, ${e.threads} thread(s): BLAS ${e.blas} (${e.blas_kind}${e.openblas_core ? `, core ${e.openblas_core}` : ""})${e.warning ? ` WARNING: ${e.warning}` : ""}`,
      );
    else if (e.tfjs)
      out.push(
        `${e.impl}: tfjs ${e.tfjs}${e.backend === "wasm" ? `, simd ${e.simd}, threads ${e.threads}` : ""}, loss ${e.loss}`,
      );
  }
  for (const l of lines.filter((x) => x.bench === "error")) out.push(`ERROR ${l.impl}: ${l.error}`);
  return out.join("\n");
}

/**
 * Print the ratio table. Default stream: stderr, so that stdout carries nothing but JSON lines.
 */
export function printRatioTable(lines, stream = process.stderr) {
  stream.write(`\n${formatRatioTable(lines)}\n`);
}

// ------------------------------------------------------------------------------------------
// command line
// ------------------------------------------------------------------------------------------

async function main(argv) {
  let impls = REFERENCES;
  const args = {};
  let table = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    switch (a) {
      case "--impl":
        impls = next().split(",");
        break;
      case "--bench":
        args.bench = next().split(",");
        break;
      case "--cell":
        args.cell = next().split(",");
        break;
      case "--warmup":
        args.warmup = Number(next());
        break;
      case "--steps":
        args.steps = Number(next());
        break;
      case "--tokens":
        args.tokens = Number(next());
        break;
      case "--gemm-sizes":
        args.gemmSizes = next().split(",");
        break;
      case "--quick": // a smoke run: small GEMMs, one cell, 1 warm-up + 1 step
        args.gemmSizes ??= ["64", "256"];
        args.cell ??= ["rnn"];
        args.warmup ??= 1;
        args.steps ??= 1;
        args.tokens ??= 100;
        break;
      case "--no-table":
        table = false;
        break;
      case "-h":
      case "--help":
        process.stderr.write(
          "usage: node bench/harness.mjs [--impl torch,tfjs-wasm,tfjs-cpu] [--bench env,gemm,w2,w3,mem] " +
            "[--cell rnn,lstm,gru] [--warmup N] [--steps N] [--tokens N] [--gemm-sizes 64,...] [--quick] [--no-table]\n",
        );
        return 0;
      default:
        process.stderr.write(`harness: unknown argument ${a}\n`);
        return 2;
    }
  }
  const lines = await runReferences(impls, args, { echo: true });
  if (table) printRatioTable(lines);
  return lines.some((l) => l.bench === "error") ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
