/**
 * W4, scaling: the W2 training step (65 symbols as token ids, linear head,
 * mean cross-entropy, Adam 2e-3, batch 32, full BPTT) grown in hidden size
 * (LSTM and GRU, hidden 1024, 2 layers, 64 steps) and in sequence length
 * (hidden 256, 1 layer, 1,024 steps). Each configuration runs in a process
 * of its own, so its peak RSS is its own: ms/step (median of the timed steps
 * after one warm-up; CPU ms/step beside it) and peak RSS, one thread.
 *
 *   tsx --conditions=@recurrent/source bench/ours/w4.ts [--cell lstm,gru] [--w4-steps 3]
 */
import { spawnSync } from "node:child_process";
import { gru, lstm, Recurrent } from "@recurrent/cells";
import { Linear } from "@recurrent/nn";
import { Generator, getBackend } from "@recurrent/tensor";
import { B, median, timeW2Steps, V } from "./w2-step.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const timed = Number(option("--w4-steps") ?? 3);
const definitions = { lstm, gru } as const;
type CellName = keyof typeof definitions;

/** [cell, hidden, layers, steps per batch]: the same list as the PyTorch reference's. */
const configs: [CellName, number, number, number][] = [
  ["lstm", 1024, 2, 64],
  ["gru", 1024, 2, 64],
  ["lstm", 256, 1, 1024],
  ["gru", 256, 1, 1024],
];

const one = option("--w4-config");
if (one === undefined) {
  const cells = (option("--cell") ?? "lstm,gru").split(",");
  for (const config of configs) {
    if (!cells.includes(config[0])) continue;
    const child = spawnSync(
      process.execPath,
      [
        ...process.execArgv,
        process.argv[1] as string,
        "--w4-config",
        config.join(","),
        "--w4-steps",
        String(timed),
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
    );
    process.stdout.write(child.stdout);
    if (child.status !== 0) {
      console.log(
        JSON.stringify({
          bench: "w4",
          cell: config[0],
          hidden: config[1],
          impl: "recurrent-wasm",
          error: `exited ${child.status}`,
        }),
      );
    }
  }
} else {
  const [name, hidden, layers, steps] = one.split(",") as [CellName, string, string, string];
  const H = Number(hidden);
  const T = Number(steps);
  const recurrent = new Recurrent(definitions[name].create({ hidden: H }), {
    inputSize: V,
    numLayers: Number(layers),
    seed: 0,
  });
  const head = new Linear(H, V, { generator: new Generator(0) });
  const params = [...recurrent.namedParameters("rnn"), ...head.namedParameters("head")];
  const { wall, cpu } = timeW2Steps(recurrent, head, params, 1 + timed, undefined, { B, T, H });
  const base = {
    bench: "w4",
    cell: name,
    hidden: H,
    layers: Number(layers),
    batch: B,
    steps: T,
    impl: `recurrent-${getBackend().name}`,
    threads: 1,
  };
  // CPU time too: on a shared machine it moves less with other jobs than the wall time does.
  console.log(
    JSON.stringify({
      ...base,
      ms_per_step: Number(median(wall.slice(1)).toFixed(1)),
      cpu_ms_per_step: Number(median(cpu.slice(1)).toFixed(1)),
    }),
  );
  const peak = process.resourceUsage().maxRSS / 1024; // KB → MB
  console.log(JSON.stringify({ ...base, bench: "w4-rss", peak_rss_mb: Number(peak.toFixed(1)) }));
}
