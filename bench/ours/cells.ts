/**
 * `pnpm bench cells`: the W2 training step (batch 32, 64 steps, hidden 256,
 * 65 symbols as token ids, Linear head, cross-entropy, Adam) for every cell
 * beside the built-in lstm in the same process: the built-ins on their
 * default path, the two example plugin cells (loaded like `--plugin` does,
 * from their packages) on the path derived from their step, and the
 * built-ins forced onto the derived path (`"path":"derived"`) to show what
 * the generated kernels cost against the hand-written ones. Cells are run
 * round-robin, best of `--rounds` (default 2), so a slow minute on a shared
 * machine hits every cell alike.
 *
 *   tsx --conditions=@recurrent/source bench/ours/cells.ts [--steps N] [--rounds N]
 */
import { backward } from "@recurrent/autograd";
import { type Cell, createCell, gru, lstm, Recurrent, rnn } from "@recurrent/cells";
import minimalGatedUnitPlugin from "@recurrent/example-minimal-gated-unit";
import peepholePlugin from "@recurrent/example-peephole-lstm";
import { crossEntropy, Linear } from "@recurrent/nn";
import { adam, Optimizer } from "@recurrent/optim";
import { createRegistry } from "@recurrent/registry";
import { contiguous, Generator, getBackend, keep, reshape, slice, tidy } from "@recurrent/tensor";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const steps = Number(option("--steps") ?? 6);
const warmup = Number(option("--warmup") ?? 2);
const rounds = Number(option("--rounds") ?? 2);
const [B, T, H, V] = [32, 64, 256, 65];
const registry = createRegistry().use(peepholePlugin).use(minimalGatedUnitPlugin);

const runs: { cell: string; path: "default" | "derived"; make: () => Cell }[] = [
  { cell: "lstm", path: "default", make: () => createCell(lstm, { hidden: H }) },
  { cell: "gru", path: "default", make: () => createCell(gru, { hidden: H }) },
  { cell: "rnn", path: "default", make: () => createCell(rnn, { hidden: H }) },
  {
    cell: "example/peephole-lstm",
    path: "default",
    make: () => registry.create("cell", "example/peephole-lstm", { hidden: H }),
  },
  {
    cell: "example/minimal-gated-unit",
    path: "default",
    make: () => registry.create("cell", "example/minimal-gated-unit", { hidden: H }),
  },
  { cell: "lstm", path: "derived", make: () => createCell(lstm, { hidden: H }) },
  { cell: "gru", path: "derived", make: () => createCell(gru, { hidden: H }) },
  { cell: "rnn", path: "derived", make: () => createCell(rnn, { hidden: H }) },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Wall-clock and CPU milliseconds per step (CPU time is steadier on a shared machine). */
function w2(
  make: () => Cell,
  fused: true | "derived",
  count: number,
): { wall: number[]; cpu: number[] } {
  const recurrent = new Recurrent(make(), { inputSize: V, seed: 0, fused });
  const head = new Linear(H, V, { generator: new Generator(0) });
  const params = [...recurrent.namedParameters("rnn"), ...head.namedParameters("head")];
  const optimizer = new Optimizer(params, adam({ lr: 2e-3 }));
  const tokens = keep(new Generator(1).randint([T + 1, B], 0, V));
  const x = keep(contiguous(slice(tokens, [0], [T])));
  const y = keep(contiguous(slice(tokens, [1], [T + 1])));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    tidy(() => {
      optimizer.zeroGrad();
      const { output } = recurrent.forward(x);
      const logits = head.forward(reshape(output, [T * B, H]));
      const loss = crossEntropy(logits, reshape(y, [T * B]));
      backward(loss);
      optimizer.step();
      loss.item();
    });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

const best = new Map<number, { wall: number; cpu: number }>();
for (let round = 0; round < rounds; round++) {
  runs.forEach((run, i) => {
    const { wall, cpu } = w2(run.make, run.path === "derived" ? "derived" : true, warmup + steps);
    const kept = best.get(i);
    best.set(i, {
      wall: Math.min(kept?.wall ?? Number.POSITIVE_INFINITY, median(wall.slice(warmup))),
      cpu: Math.min(kept?.cpu ?? Number.POSITIVE_INFINITY, median(cpu.slice(warmup))),
    });
  });
}
const lstmCpu = (best.get(0) as { cpu: number }).cpu;
runs.forEach((run, i) => {
  const { wall, cpu } = best.get(i) as { wall: number; cpu: number };
  console.log(
    JSON.stringify({
      bench: "cells",
      cell: run.cell,
      impl: `recurrent-${getBackend().name}`,
      threads: 1,
      ...(run.path === "derived" ? { path: "derived" } : {}),
      ms_per_step: Number(wall.toFixed(2)),
      cpu_ms_per_step: Number(cpu.toFixed(2)),
      // CPU time against the built-in lstm's in the same run.
      cpu_vs_lstm: Number((cpu / lstmCpu).toFixed(2)),
    }),
  );
});
