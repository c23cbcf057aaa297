#!/usr/bin/env node
/**
 * `pnpm bench [name ...]`: runs each named benchmark (all when none is named)
 * for our implementations and the references in the same run, prints JSON
 * lines on standard output and a ratio table on standard error.
 *
 *   gemm  W1: matMul GFLOP/s, recurrent-js and recurrent-wasm vs tfjs-cpu, tfjs-wasm, torch
 *   w2    a char-LM training step (rnn, lstm, gru), ms/step and tokens/s, ours on one
 *         thread and on two (worker threads; `--threads N` runs only that count)
 *   w3    generation, LSTM 256, batch 1, ms/token
 *   cells the W2 step for every cell (built-ins and the example plugin cells), ms/step
 *         and the ratio to lstm in the same run
 *   w4    scaling: LSTM/GRU hidden 1024 × 2 layers × 64 steps, and hidden 256 × 1,024
 *         steps, ms/step and peak RSS (each configuration in a process of its own)
 *   mem   peak RSS of a W2 LSTM run, and live tensor memory early vs late (flat = no leak)
 *
 * Our side runs from sources (tsx with the @recurrent/source condition), so
 * no build is needed, only the generated WebAssembly kernels (packages/tensor/src/generated,
 * not in git), which the runner makes first with `turbo run codegen` (cached). Flags after the names go to every part, e.g.
 * `pnpm bench gemm --sizes 256,1024`; `--refs torch,tfjs-wasm` picks the
 * references; `--rounds N` repeats everything N times, interleaved, and the
 * table shows each entry's best round (for shared, drifting machines).
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { measurementOf, parseJsonLines, printRatioTable, runReference } from "../bench/harness.mjs";

const root = resolve(import.meta.dirname, "..");
const known = {
  gemm: {
    ours: ["bench/ours/gemm.ts"],
    refs: ["tfjs-cpu", "tfjs-wasm", "torch"],
    refBench: "gemm",
  },
  w2: {
    ours: ["bench/ours/w2.ts", "--bench", "w2"],
    threads: true,
    refs: ["torch", "tfjs-wasm", "tfjs-cpu"],
    refBench: "w2",
  },
  w3: {
    ours: ["bench/ours/w2.ts", "--bench", "w3"],
    refs: ["torch", "tfjs-wasm", "tfjs-cpu"],
    refBench: "w3",
  },
  cells: {
    ours: ["bench/ours/cells.ts"],
    refs: [],
    refBench: "cells",
  },
  w4: {
    ours: ["bench/ours/w4.ts"],
    refs: ["torch"],
    refBench: "w4",
  },
  mem: {
    ours: ["bench/ours/w2.ts", "--bench", "mem"],
    refs: ["torch", "tfjs-wasm", "tfjs-cpu"],
    refBench: "mem",
  },
};
// Names first, then flags with their values: `gemm w2 --sizes 256,1024`.
const names = [];
const flags = [];
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg.startsWith("--")) {
    flags.push(arg);
    const value = process.argv[i + 1];
    if (value !== undefined && !value.startsWith("--")) flags.push(process.argv[++i]);
  } else names.push(arg);
}
const unknown = names.filter((n) => !(n in known));
if (unknown.length > 0) {
  console.error(
    `bench: unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(known).join(", ")}`,
  );
  process.exit(2);
}
const option = (name) => {
  const at = flags.indexOf(name);
  return at >= 0 ? flags[at + 1] : undefined;
};

// Shared machines drift by tens of percent within minutes: with `--rounds N` every part runs N
// times, interleaved, and the table shows each one's best round (the JSON lines carry them all).
const rounds = Math.max(1, Number(option("--rounds") ?? 1));
const refsWanted = option("--refs")?.split(",");
const tsx = join(root, "node_modules", ".bin", "tsx");

// The sources import packages/tensor/src/generated/* (the compiled kernels, git-ignored): a fresh
// worktree has none until codegen runs. Turbo's cache makes this ~0.3 s when they are current.
// Its output is shown (on stderr: stdout carries only JSON lines) only when it fails.
const codegen = spawnSync(
  join(root, "node_modules", ".bin", "turbo"),
  ["run", "codegen", "--output-logs=errors-only"],
  { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
);
if (codegen.status !== 0) {
  console.error(`${codegen.stdout ?? ""}${codegen.stderr ?? ""}`);
  console.error(`bench: turbo run codegen exited with ${codegen.status ?? codegen.error}`);
  process.exit(1);
}

const lines = [];
for (let round = 1; round <= rounds; round++) {
  for (const name of names.length > 0 ? names : Object.keys(known)) {
    const spec = known[name];
    const [script, ...scriptArgs] = spec.ours;
    // Training runs twice, on one thread and on both cores, unless --threads says which.
    const threadRuns =
      spec.threads && !flags.includes("--threads") ? [[], ["--threads", "2"]] : [[]];
    for (const threadArgs of threadRuns) {
      const argv = [join(root, script), ...scriptArgs, ...threadArgs, ...flags];
      const ours = spawnSync(tsx, ["--conditions=@recurrent/source", ...argv], {
        cwd: join(root, "bench"),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      const ourLines = parseJsonLines(ours.stdout).lines.map((line) => ({ ...line, round }));
      for (const line of ourLines) console.log(JSON.stringify(line));
      lines.push(...ourLines);
      if (ours.status !== 0)
        console.error(`bench ${name}: our implementation exited with ${ours.status}`);
    }
    for (const ref of spec.refs.filter((r) => refsWanted === undefined || refsWanted.includes(r))) {
      const refArgs = { bench: [spec.refBench] };
      const cell = option("--cell");
      if (cell) refArgs.cell = cell.split(",");
      const sizes = option("--sizes");
      if (sizes) refArgs.gemmSizes = sizes.split(",").map(Number);
      // Same number of timed w4 steps on both sides (ours reads the flag from `flags`).
      const w4Steps = option("--w4-steps");
      if (w4Steps && spec.refBench === "w4") refArgs.extra = ["--w4-steps", w4Steps];
      const refLines = await runReference(ref, refArgs, { echo: false });
      for (const line of refLines) console.log(JSON.stringify({ ...line, round }));
      lines.push(...refLines);
    }
  }
}
printRatioTable(rounds === 1 ? lines : bestOfRounds(lines));
if (rounds > 1) console.error(`(best of ${rounds} interleaved rounds for each entry)`);

/** For every measurement and implementation, the line of its best round. */
function bestOfRounds(all) {
  const best = new Map();
  const rest = [];
  for (const line of all) {
    const m = measurementOf(line);
    if (m === null) {
      rest.push(line);
      continue;
    }
    const key = `${m.key}|${line.impl}`;
    const kept = best.get(key);
    const better = (a, b) => (m.higherIsBetter ? a > b : a < b);
    if (kept === undefined || better(m.value, measurementOf(kept).value)) best.set(key, line);
  }
  return [...best.values(), ...rest];
}
