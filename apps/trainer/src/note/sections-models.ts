/**
 * The note's first half, "SEQUENCE DATA" and "SEQUENCE MODEL": order
 * carries information (1); a fixed window τ makes the naive model tractable
 * and the window has to cover the dependency (2); the Markov model is the
 * τ = 1 case with an exact, counted solution that a gradient fit must reach
 * (3); latent models summarise the past in a state, the ladder under one
 * budget (4).
 */
import { countTransitions, loadMarkovTable, type SequenceModel } from "@recurrent/cells";
import { Generator } from "@recurrent/tensor";
import { capabilitiesOf } from "../cell-capabilities.js";
import { evaluate } from "../evaluate.js";
import { buildModel, parameterCount } from "../model.js";
import { sampleText } from "../sample.js";
import type { TokenTask } from "../task.js";
import {
  type Check,
  edited,
  fmt,
  type NoteContext,
  noteConfig,
  release,
  type Section,
  trainVariant,
} from "./section.js";
import { barChart, lineChart } from "./svg-chart.js";

/** The full budget, or the quick one. */
const steps = (context: NoteContext, full: number, quick: number) => (context.quick ? quick : full);

/** Unigram entropy of ids (nats): the floor of any model of shuffled data. */
function unigramEntropy(ids: Int32Array, vocab: number): number {
  const counts = new Float64Array(vocab);
  for (const id of ids) counts[id] = (counts[id] as number) + 1;
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / ids.length) * Math.log(c / ids.length);
  return h;
}

export const orderSection: Section = {
  id: "order",
  title: "1. Sequence data is not i.i.d.",
  async run(context) {
    const budget = steps(context, 200, 40);
    const ordered = await trainVariant(
      context,
      "in order",
      edited(noteConfig("1-order.json"), { "train.steps": budget }),
    );
    const shuffled = await trainVariant(
      context,
      "shuffled",
      edited(noteConfig("1-shuffled.json"), { "train.steps": budget }),
    );
    const task = shuffled.session.task as TokenTask;
    const floor = unigramEntropy(task.ids?.train ?? new Int32Array(1), task.vocab);
    const a = ordered.metrics.loss as number;
    const b = shuffled.metrics.loss as number;
    for (const run of [ordered, shuffled]) release(run);
    return {
      claim:
        "Characters in order carry information that the same characters shuffled do not: the same model, trained the same way, predicts the ordered text better, and the gap is the value of order.",
      quote: "독립동등분포 가정을 잘 위배하기 때문에 과거 정보의 손실을 줄여야 함",
      experiment: `A GRU (hidden 64) trained for ${budget} steps on Moby Dick characters in order, and on the same characters shuffled (the shuffle keeps each character's frequency). Each is evaluated on its own validation split. The dashed line is the unigram entropy of the shuffled text: the best any model can do once the order is gone.`,
      configs: ["1-order.json", "1-shuffled.json"],
      charts: [
        barChart({
          title: "validation cross-entropy (nats/char)",
          categories: ["characters in order", "characters shuffled"],
          series: [{ name: "GRU", values: [a, b] }],
          yLabel: "nats/char",
          references: [{ label: `unigram entropy ${floor.toFixed(3)}`, value: floor }],
        }),
      ],
      tables: [
        {
          header: ["data", "nats/char", "bits/char", "steps"],
          rows: [
            ["in order", fmt(a), fmt(a / Math.LN2, 3), String(ordered.steps)],
            ["shuffled", fmt(b), fmt(b / Math.LN2, 3), String(shuffled.steps)],
            ["unigram entropy (shuffled floor)", fmt(floor), fmt(floor / Math.LN2, 3), "–"],
          ],
        },
      ],
      checks: [
        {
          claim: "the model trained on ordered text has the lower validation loss",
          passed: a < b,
          detail: `${fmt(a)} < ${fmt(b)} nats/char (gap ${fmt(b - a)})`,
        },
      ],
      numbers: {
        orderedLoss: a,
        shuffledLoss: b,
        gap: b - a,
        unigramEntropy: floor,
        steps: budget,
      },
    };
  },
};

const taus = [1, 2, 4, 8, 16];

export const windowSection: Section = {
  id: "window",
  title: "2. The naive model with a fixed window τ",
  async run(context) {
    const budget = steps(context, 200, 30);
    const text: number[] = [];
    const series: number[] = [];
    for (const tau of taus) {
      const run = await trainVariant(
        context,
        `text τ=${tau}`,
        edited(noteConfig("2-window-text.json"), {
          "model.cell.tau": tau,
          "train.steps": budget,
        }),
      );
      text.push(run.metrics.loss as number);
      release(run);
    }
    for (const tau of taus) {
      const run = await trainVariant(
        context,
        `series τ=${tau}`,
        edited(noteConfig("2-window-series.json"), {
          "model.cell.tau": tau,
          "train.steps": budget,
        }),
      );
      series.push(run.metrics.loss as number);
      release(run);
    }
    const sine = await trainVariant(
      context,
      "sine, k-step",
      edited(noteConfig("2-sine-multistep.json"), { "train.steps": steps(context, 400, 150) }),
    );
    const horizons = [1, 4, 16, 64];
    const kStep = horizons.map((k) => sine.metrics[`mse@${k}`] as number);
    release(sine);
    const at = (values: number[], tau: number) => values[taus.indexOf(tau)] as number;
    const longer = taus.filter((t) => t > 1);
    const bestTau = longer.reduce((best, t) => (at(text, t) < at(text, best) ? t : best));
    const checks: Check[] = [
      {
        claim: `on text, a longer window (best: τ = ${bestTau}) beats a window of 1 character`,
        passed: at(text, bestTau) < at(text, 1),
        detail: `τ=${bestTau} ${fmt(at(text, bestTau))} < τ=1 ${fmt(at(text, 1))} nats/char`,
      },
      {
        claim: "on the AR(8) series, a window that covers lag 8 beats one that does not",
        passed: at(series, 8) < at(series, 4),
        detail: `τ=8 ${fmt(at(series, 8))} < τ=4 ${fmt(at(series, 4))} (scaled mse)`,
      },
      {
        claim: "feeding predictions back degrades: 64-step-ahead error exceeds 1-step",
        passed: (kStep[3] as number) > (kStep[0] as number),
        detail: `mse@64 ${fmt(kStep[3])} > mse@1 ${fmt(kStep[0])}`,
      },
    ];
    return {
      claim:
        "Conditioning on the whole past grows without bound; fixing the window to the last τ inputs makes the model tractable, and it works as far as the window covers the dependencies in the data.",
      quote: "과거의 고려해야 할 정보량이 점점 늘어남 -> 고려할 시간 량을 고정한다면 해결",
      experiment: `The ar cell (an MLP over the last τ inputs) with τ = ${taus.join(", ")}, ${budget} steps each: on Moby Dick characters (embedding 16, 128 hidden units), and on an AR(8) series x_t = 0.3 x_{t−1} + 0.6 x_{t−8} + ε, whose dependency reaches back 8 steps. Then d2l's noisy sine (τ = 4): teacher-forced 1-step prediction against 4-, 16- and 64-step prediction from its own outputs.`,
      configs: ["2-window-text.json", "2-window-series.json", "2-sine-multistep.json"],
      charts: [
        lineChart({
          title: "text: validation nats/char against the window τ",
          xLabel: "window τ (log scale)",
          yLabel: "nats/char",
          logX: true,
          series: [{ name: "ar on Moby Dick", points: taus.map((t, i) => [t, text[i] as number]) }],
        }),
        lineChart({
          title: "AR(8) series: validation mse (scaled) against τ",
          xLabel: "window τ (log scale)",
          yLabel: "mse",
          logX: true,
          series: [{ name: "ar on AR(8)", points: taus.map((t, i) => [t, series[i] as number]) }],
        }),
        lineChart({
          title: "noisy sine: k-step-ahead mse (d2l §8.1)",
          xLabel: "steps ahead k (log scale)",
          yLabel: "mse",
          logX: true,
          series: [{ name: "ar τ=4", points: horizons.map((k, i) => [k, kStep[i] as number]) }],
        }),
      ],
      tables: [
        {
          header: ["τ", ...taus.map(String)],
          rows: [
            ["text, nats/char", ...text.map((v) => fmt(v))],
            ["AR(8) series, mse", ...series.map((v) => fmt(v))],
          ],
        },
        {
          header: ["k steps ahead", ...horizons.map(String)],
          rows: [["sine mse@k", ...kStep.map((v) => fmt(v))]],
        },
      ],
      checks,
      numbers: { taus, text, series, sine: { horizons, mse: kStep }, steps: budget },
    };
  },
};

/** A seeded sample from `model` (the same seed for every model, so they differ by model alone). */
function sampleOf(model: SequenceModel, task: TokenTask, prefix: string, length: number): string {
  return sampleText(model, task, {
    prefix,
    length,
    temperature: 0.8,
    topK: null,
    greedy: false,
    generator: new Generator(7),
  });
}

export const markovSection: Section = {
  id: "markov",
  title: "3. The Markov model, counted and fitted",
  async run(context) {
    const base = noteConfig("3-markov.json");
    const budget = steps(context, 200, 150);
    const latentBudget = steps(context, 200, 40);
    const fitted = await trainVariant(
      context,
      "markov (gradient)",
      edited(base, { "train.steps": budget, "schedule.tMax": budget }),
    );
    const task = fitted.session.task as TokenTask;
    const config = fitted.config;
    const counted = buildModel(config, context.registry, task);
    const { logProbs } = countTransitions([task.ids?.train ?? new Int32Array(0)], task.vocab, {
      smoothing: 1,
    });
    loadMarkovTable(counted, logProbs);
    const countedLoss = evaluate(counted, task, config, "validation").loss as number;
    context.say(`  markov (counted): ${fmt(countedLoss)}`);
    const fittedLoss = fitted.metrics.loss as number;
    const prefix = config.eval.samplePrefix;
    const length = config.eval.sampleLength;
    const samples = [
      { model: "markov (counted)", text: sampleOf(counted, task, prefix, length) },
      { model: "markov (gradient)", text: sampleOf(fitted.session.model, task, prefix, length) },
    ];
    const latent: { name: string; loss: number; parameters: number }[] = [];
    for (const cell of [
      { name: "latent-ar", hidden: 64 },
      { name: "lstm", hidden: 64 },
    ]) {
      const raw = edited(base, {
        "model.cell": cell,
        "model.input": "auto",
        schedule: null,
        "optimizer.lr": 0.01,
        "train.batchSize": 32,
        "train.clip": 1,
        "train.steps": latentBudget,
        "eval.maxTokens": 16384,
      });
      const run = await trainVariant(context, cell.name, raw);
      latent.push({
        name: cell.name,
        loss: run.metrics.loss as number,
        parameters: run.parameters,
      });
      samples.push({ model: cell.name, text: sampleOf(run.session.model, task, prefix, length) });
      release(run);
    }
    const parameters = parameterCount(counted);
    release(fitted);
    const names = ["markov (counted)", "markov (gradient)", ...latent.map((l) => l.name)];
    const losses = [countedLoss, fittedLoss, ...latent.map((l) => l.loss)];
    const gap = Math.abs(fittedLoss - countedLoss);
    return {
      claim:
        "The first-order Markov model p(x_t | x_{t−1}) has an exact solution by counting bigrams; a gradient fit of the same model must reach it, and it still forgets everything before the last character, which a latent model does not.",
      quote:
        "가정 : 나의 현재는 바로 직전 과거에만 DEPENDENT 하다! … 단점 : 과거의 많은 정보를 고려해야하는데, 그러질 못함",
      experiment: `The markov model (one-hot input, a V × V table, the linear head) fitted by Adam (lr 0.1, cosine annealing to 0) for ${budget} steps of 128 × 64 characters, against the same table counted from the training split (add-one smoothing); both evaluated on the whole validation split. Then latent-ar and an LSTM (hidden 64), ${latentBudget} steps of 32 × 64 characters, and a sample of ${length} characters from each after "${prefix}", drawn with the same seed at temperature 0.8.`,
      configs: ["3-markov.json"],
      charts: [
        barChart({
          title: "validation cross-entropy (nats/char)",
          categories: names,
          series: [{ name: "nats/char", values: losses }],
          yLabel: "nats/char",
        }),
      ],
      tables: [
        {
          header: ["model", "parameters", "nats/char"],
          rows: names.map((name, i) => [
            name,
            (i < 2 ? parameters : (latent[i - 2]?.parameters ?? 0)).toLocaleString("en-US"),
            fmt(losses[i]),
          ]),
        },
      ],
      samples,
      checks: [
        {
          claim: "the counted and the gradient-fitted Markov models agree to 0.01 nats",
          passed: gap <= 0.01,
          detail: `|${fmt(fittedLoss)} − ${fmt(countedLoss)}| = ${fmt(gap)} nats/char`,
        },
      ],
      numbers: {
        counted: countedLoss,
        fitted: fittedLoss,
        gap,
        latent,
        samples,
        steps: budget,
      },
    };
  },
};

export const ladderSection: Section = {
  id: "ladder",
  title: "4. The ladder: from a fixed window to a hidden state",
  async run(context) {
    const base = noteConfig("4-ladder.json");
    const budget = steps(context, 200, 30);
    const cells = ["ar", "markov", "latent-ar", "rnn", "lstm", "gru", ...context.pluginCells];
    const rows: { name: string; loss: number; parameters: number; tokensPerSecond: number }[] = [];
    for (const name of cells) {
      // `hidden` sizes a state or a layer here; markov's sizes its output table (left full).
      const { hidden } = capabilitiesOf(context.registry, name);
      const hasHidden = hidden === "state" || hidden === "layer";
      const raw = edited(base, {
        "model.cell": hasHidden ? { name, hidden: 64 } : { name },
        "model.input": "auto",
        "train.steps": budget,
      });
      const run = await trainVariant(context, name, raw);
      rows.push({
        name,
        loss: run.metrics.loss as number,
        parameters: run.parameters,
        tokensPerSecond: run.tokensPerSecond,
      });
      release(run);
    }
    const loss = (name: string) => rows.find((r) => r.name === name)?.loss ?? Number.NaN;
    const bestGated = Math.min(loss("lstm"), loss("gru"));
    const uniform = Math.log(85);
    const checks: Check[] = [
      {
        claim: "every model learns something: all beat the uniform guess ln V",
        passed: rows.every((r) => r.loss < uniform),
        detail: `worst ${fmt(Math.max(...rows.map((r) => r.loss)))} < ln 85 = ${fmt(uniform)}`,
      },
    ];
    if (!context.quick) {
      checks.push({
        claim: "a gated latent model (LSTM or GRU) beats the fixed-window ar under the same budget",
        passed: bestGated < loss("ar"),
        detail: `min(lstm, gru) ${fmt(bestGated)} < ar ${fmt(loss("ar"))}`,
      });
    }
    return {
      claim:
        "A latent autoregressive model summarises the whole past in one hidden state h_t = g(h_{t−1}, x_{t−1}); the RNN is that model with g a recurrent layer, and under the same budget the gated ones use it best.",
      quote: "과거의 정보들을 Hidden state 하나에 summarize하여 저장하고, 거기서만 정보를 가져옴",
      experiment: `\`recurrent compare\` in miniature: ${cells.join(", ")} on Moby Dick characters, hidden 64 where the cell has one, ${budget} steps of 32 × 64 characters each, the same seed and optimizer (Adam 0.01). Tokens per second were measured on a machine shared with other jobs: compare them within this run only.`,
      configs: ["4-ladder.json"],
      charts: [
        barChart({
          title: "validation nats/char after the same number of steps",
          categories: rows.map((r) => r.name),
          series: [{ name: "nats/char", values: rows.map((r) => r.loss) }],
          yLabel: "nats/char",
        }),
        barChart({
          title: "parameters (thousands) and training speed (thousand tokens/s)",
          categories: rows.map((r) => r.name),
          series: [
            { name: "parameters (k)", values: rows.map((r) => r.parameters / 1000) },
            { name: "tokens/s (k)", values: rows.map((r) => r.tokensPerSecond / 1000) },
          ],
          yLabel: "thousands",
          digits: 3,
        }),
      ],
      tables: [
        {
          header: ["model", "parameters", "nats/char", "tokens/s"],
          rows: rows.map((r) => [
            r.name,
            r.parameters.toLocaleString("en-US"),
            fmt(r.loss),
            Math.round(r.tokensPerSecond).toLocaleString("en-US"),
          ]),
        },
      ],
      checks,
      numbers: { rows, steps: budget },
    };
  },
};
