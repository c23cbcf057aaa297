import { type Cell, createCell, gru, lstm, Recurrent, rnn } from "@recurrent/cells";
import minimalGatedUnitPlugin from "@recurrent/example-minimal-gated-unit";
import peepholePlugin from "@recurrent/example-peephole-lstm";
import { Linear } from "@recurrent/nn";
import { createRegistry } from "@recurrent/registry";
import { Generator, getBackend } from "@recurrent/tensor";
import { H, median, timeW2Steps, V } from "./w2-step.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const steps = Number(option("--steps") ?? 6);
const warmup = Number(option("--warmup") ?? 2);
const rounds = Number(option("--rounds") ?? 2);
const registry = createRegistry().use(peepholePlugin).use(minimalGatedUnitPlugin);

// Every cell, built-in or plugin, trains on the fused path derived from its step.
const runs: { cell: string; make: () => Cell }[] = [
  { cell: "lstm", make: () => createCell(lstm, { hidden: H }) },
  { cell: "gru", make: () => createCell(gru, { hidden: H }) },
  { cell: "rnn", make: () => createCell(rnn, { hidden: H }) },
  {
    cell: "example/peephole-lstm",
    make: () => registry.create("cell", "example/peephole-lstm", { hidden: H }),
  },
  {
    cell: "example/minimal-gated-unit",
    make: () => registry.create("cell", "example/minimal-gated-unit", { hidden: H }),
  },
];

/** Wall-clock and CPU milliseconds per step (CPU time is steadier on a shared machine). */
function w2(make: () => Cell, count: number): { wall: number[]; cpu: number[] } {
  const recurrent = new Recurrent(make(), { inputSize: V, seed: 0 });
  const head = new Linear(H, V, { generator: new Generator(0) });
  const params = [...recurrent.namedParameters("rnn"), ...head.namedParameters("head")];
  return timeW2Steps(recurrent, head, params, count);
}

const best = new Map<number, { wall: number; cpu: number }>();
for (let round = 0; round < rounds; round++) {
  runs.forEach((run, i) => {
    const { wall, cpu } = w2(run.make, warmup + steps);
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
      ms_per_step: Number(wall.toFixed(2)),
      cpu_ms_per_step: Number(cpu.toFixed(2)),
      // CPU time against the built-in lstm's in the same run.
      cpu_vs_lstm: Number((cpu / lstmCpu).toFixed(2)),
    }),
  );
});
