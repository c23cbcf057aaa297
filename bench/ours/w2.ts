/**
 * W2 and W3 for our library, through its public parts exactly as a user
 * would assemble them: one-hot input (65 symbols, as int32 token ids) → `Recurrent` (rnn, lstm
 * or gru, hidden 256, all 64 steps, full BPTT, zero initial state) →
 * `Linear` 256→65 → mean `crossEntropy` over the 32×64 positions → Adam
 * (lr 2e-3); one fixed random batch; time = forward + backward + update +
 * reading the loss. W3: batch 1, LSTM 256, 500 tokens one at a time, argmax
 * fed back, state carried, forward only (through `Stepper`, and as
 * `recurrent-generate` through `createRollout` on a SequenceModel, the path
 * of `recurrent generate`). mem: peak RSS of a W2 LSTM run and
 * the growth of live tensor memory over the steps (flat means no leak).
 *
 *   tsx --conditions=@recurrent/source bench/ours/w2.ts [--bench w2,w3,mem] [--cell lstm] [--steps N]
 */

import { createRollout, gru, lstm, Recurrent, rnn, SequenceModel, Stepper } from "@recurrent/cells";
import { Linear } from "@recurrent/nn";
import { Generator, getBackend } from "@recurrent/tensor";
import { enableThreads } from "@recurrent/tensor/threads";
import { B, H, median, T, timeW2Steps, V } from "./w2-step.js";

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const benches = (option("--bench") ?? "w2,w3").split(",");
const cells = (option("--cell") ?? "rnn,lstm,gru").split(",");
const steps = Number(option("--steps") ?? 10);
const warmup = Number(option("--warmup") ?? 3);
const threads = Number(option("--threads") ?? 1);
if (threads > 1) enableThreads({ threads });
const impl = threads > 1 ? `recurrent-wasm-${threads}t` : `recurrent-${getBackend().name}`;

const definitions = { rnn, lstm, gru } as const;

function model(cell: keyof typeof definitions, seed = 0) {
  const rng = new Generator(seed);
  const recurrent = new Recurrent(definitions[cell].create({ hidden: H } as never), {
    inputSize: V,
    seed,
  });
  const head = new Linear(H, V, { generator: rng });
  const params = [...recurrent.namedParameters("rnn"), ...head.namedParameters("head")];
  return { recurrent, head, params };
}

/** Wall-clock milliseconds per step, and CPU milliseconds (steadier on a shared machine). */
function w2(
  cell: keyof typeof definitions,
  count: number,
  onStep?: (i: number) => void,
): { wall: number[]; cpu: number[] } {
  const { recurrent, head, params } = model(cell);
  return timeW2Steps(recurrent, head, params, count, onStep);
}

/** W3 through `Stepper`, the generation path: one token in, logits out, argmax fed back. */
function w3(count: number): number {
  const { recurrent, head } = model("lstm");
  const stepper = new Stepper(recurrent, { head });
  const ids = [0];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const logits = stepper.stepTokens(ids);
    let best = 0;
    for (let v = 1; v < logits.length; v++)
      if ((logits[v] as number) > (logits[best] as number)) best = v;
    ids[0] = best;
  }
  const ms = (performance.now() - t0) / count;
  stepper.dispose();
  return ms;
}

/**
 * W3 through `createRollout` on a `SequenceModel`, the code path of
 * `recurrent generate` and of the samples during training (the same cell,
 * sizes and greedy feedback as `w3`).
 */
function w3Generate(count: number): number {
  const model = new SequenceModel(lstm.create({ hidden: H }), {
    input: { kind: "one-hot", vocab: V },
    outputSize: V,
    seed: 0,
  });
  const rollout = createRollout(model, 1);
  if (rollout === null) throw new Error("w3: no rollout for lstm");
  const ids = [0];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const logits = rollout.stepTokens(ids);
    let best = 0;
    for (let v = 1; v < logits.length; v++)
      if ((logits[v] as number) > (logits[best] as number)) best = v;
    ids[0] = best;
  }
  const ms = (performance.now() - t0) / count;
  rollout.dispose();
  return ms;
}

for (const bench of benches) {
  if (bench === "w2") {
    for (const cell of cells as (keyof typeof definitions)[]) {
      const { wall, cpu } = w2(cell, warmup + steps);
      const ms = median(wall.slice(warmup));
      console.log(
        JSON.stringify({
          bench: "w2",
          cell,
          impl,
          threads,
          ms_per_step: Number(ms.toFixed(2)),
          tokens_per_s: Math.round((B * T) / (ms / 1000)),
          cpu_ms_per_step: Number(median(cpu.slice(warmup)).toFixed(2)),
        }),
      );
    }
  } else if (bench === "w3") {
    w3(50);
    console.log(
      JSON.stringify({ bench: "w3", cell: "lstm", impl, ms_per_token: Number(w3(500).toFixed(4)) }),
    );
    w3Generate(50);
    console.log(
      JSON.stringify({
        bench: "w3",
        cell: "lstm",
        impl: "recurrent-generate",
        ms_per_token: Number(w3Generate(500).toFixed(4)),
      }),
    );
  } else if (bench === "mem") {
    const live: number[] = [];
    const rssAt: number[] = [];
    w2("lstm", Number(option("--mem-steps") ?? 1000), () => {
      live.push(getBackend().memory().liveBytes);
      rssAt.push(process.memoryUsage().rss);
    });
    const rss = process.resourceUsage().maxRSS / 1024;
    const early = live[Math.min(5, live.length - 1)] as number;
    const late = live[live.length - 1] as number;
    console.log(
      JSON.stringify({
        bench: "mem",
        cell: "lstm",
        impl,
        peak_rss_mb: Math.round(rss),
        steps: live.length,
        live_mb_early: +(early / 2 ** 20).toFixed(2),
        live_mb_late: +(late / 2 ** 20).toFixed(2),
        // RSS every tenth of the run: flat after warm-up means no per-step growth.
        rss_mb_by_tenth: Array.from({ length: 10 }, (_, i) =>
          Math.round((rssAt[Math.floor(((i + 1) * rssAt.length) / 10) - 1] as number) / 2 ** 20),
        ),
        reserved_mb: +(getBackend().memory().reservedBytes / 2 ** 20).toFixed(1),
      }),
    );
  }
}
