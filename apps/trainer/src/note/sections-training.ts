/**
 * The note's "RNN" part, on training: backpropagation through time and its
 * truncation (5), and the vanishing and exploding gradients that the long
 * products of W_hh cause (6).
 */
import { measureGradFlow } from "../gradient-flow.js";
import {
  type Check,
  edited,
  fmt,
  type NoteContext,
  noteConfig,
  pct,
  release,
  type Section,
  trainVariant,
} from "./section.js";
import { barChart, lineChart } from "./svg-chart.js";
import { trainOne } from "./train-one.js";

const steps = (context: NoteContext, full: number, quick: number) => (context.quick ? quick : full);

export const truncationSection: Section = {
  id: "truncation",
  title: "5. BPTT and truncated BPTT",
  async run(context) {
    const copy = noteConfig("5-truncation-copy.json");
    const delay = (copy.data as { dataset: { delay: number } }).dataset.delay;
    const budget = steps(context, 400, 200);
    const ks: (number | null)[] = [null, 64, 16, 4];
    const accuracy: number[] = [];
    const losses: number[] = [];
    for (const k of ks) {
      const run = await trainVariant(
        context,
        k === null ? "full BPTT" : `truncated at k=${k}`,
        edited(copy, { "train.truncate": k, "train.steps": budget, "data.dataset.delay": delay }),
      );
      accuracy.push(run.metrics.accuracy as number);
      losses.push(run.metrics.loss as number);
      release(run);
    }
    const partitioning = noteConfig("5-partitioning.json");
    const textBudget = steps(context, 200, 40);
    const partition: number[] = [];
    for (const batching of ["sequential", "random"]) {
      const run = await trainVariant(
        context,
        `${batching} partitioning`,
        edited(partitioning, { "train.batching": batching, "train.steps": textBudget }),
      );
      partition.push(run.metrics.loss as number);
      release(run);
    }
    const labels = ks.map((k) => (k === null ? "full" : `k = ${k}`));
    const dependency = delay + 1; // the symbol at t = 0 is recalled at t = delay + 1
    const full = accuracy[0] as number;
    const short = accuracy[ks.indexOf(4)] as number;
    const fullLoss = losses[0] as number;
    const shortLoss = losses[ks.indexOf(4)] as number;
    const chance = 1 / 8;
    const checks: Check[] = [
      {
        claim: `truncation shorter than the dependency (k = 4 < ${dependency}) costs: full BPTT ends with the lower validation loss`,
        passed: fullLoss < shortLoss,
        detail: `recall accuracy: full ${pct(full)} vs k=4 ${pct(short)} (chance ${pct(chance)}); nats/step: full ${fmt(fullLoss)} vs k=4 ${fmt(shortLoss)}`,
      },
      {
        claim:
          "on text, sequential partitioning (state carried) does at least as well as random (state reset), within 0.05 nats",
        passed: (partition[0] as number) <= (partition[1] as number) + 0.05,
        detail: `sequential ${fmt(partition[0])} vs random ${fmt(partition[1])} nats/char`,
      },
    ];
    return {
      claim:
        "Backpropagation through time follows the unrolled graph back to the start; truncated BPTT cuts it every k steps, which bounds its cost and its long products, but then no gradient reaches back more than k steps: the forward pass still carries the state, so what is lost is the signal that teaches the model what to keep, and a dependency longer than k is learned worse, if at all.",
      quote: "gradient가 0으로 줄어드는게 큰 문제가 되므로 길이를 끊는 것이 필요(=truncated BPTT)",
      experiment: `A GRU (hidden 64) on the copy task with one symbol to recall after a delay of ${delay} steps (examples of ${delay + 2} steps, the dependency spans ${dependency}), ${budget} steps of 32 examples, with the gradient through the state cut every k = 64, 16, 4 steps inside each example (train.truncate), against full BPTT. k = 64 is longer than an example, so it equals full BPTT. Then d2l's comparison on text: a GRU with sequential partitioning (each batch continues the previous one, the state carried and detached) against random partitioning (independent windows, the state reset), ${textBudget} steps each.`,
      configs: ["5-truncation-copy.json", "5-partitioning.json"],
      charts: [
        barChart({
          title: `copy task, delay ${delay}: accuracy on the recalled symbol`,
          categories: labels,
          series: [{ name: "GRU", values: accuracy }],
          yLabel: "accuracy",
          references: [{ label: "chance 1/8", value: chance }],
        }),
        barChart({
          title: "text: validation nats/char by partitioning",
          categories: ["sequential (state carried)", "random (state reset)"],
          series: [{ name: "GRU", values: partition }],
          yLabel: "nats/char",
        }),
      ],
      tables: [
        {
          header: ["truncation", ...labels],
          rows: [
            ["recall accuracy", ...accuracy.map(pct)],
            ["validation nats/step", ...losses.map((v) => fmt(v))],
          ],
        },
        {
          header: ["partitioning", "sequential", "random"],
          rows: [["nats/char", fmt(partition[0]), fmt(partition[1])]],
        },
      ],
      checks,
      numbers: {
        copy: { delay, ks, accuracy, losses, steps: budget },
        partitioning: { sequential: partition[0], random: partition[1], steps: textBudget },
      },
    };
  },
};

export const gradientsSection: Section = {
  id: "gradients",
  title: "6. Vanishing and exploding gradients",
  async run(context) {
    const base = noteConfig("6-gradflow.json");
    const budget = steps(context, 40, 20);
    const lr = (base.optimizer as { lr: number }).lr;
    const gain = 1.5;
    const length = 64;
    const variants: {
      label: string;
      nonlinearity: string;
      clip: number | null;
      initial: number[];
      trained: number[] | null;
      diverged: number | null;
      maxGradNorm: number;
      loss: number;
    }[] = [];
    const probe = { length, batch: 8 };
    // ‖∂L/∂h_t‖ at initialisation with PyTorch's default init (U(±1/√H), no orthogonal gain).
    const defaultInit: Record<string, number[]> = {};
    for (const nonlinearity of ["tanh", "relu"]) {
      const fresh = await trainOne(
        edited(base, {
          ...context.overrides,
          "model.cell.nonlinearity": nonlinearity,
          "model.init": {},
          "train.steps": 1,
        }),
        context.registry,
        context.io,
        context.datasets,
        context.plugins,
      );
      defaultInit[nonlinearity] = measureGradFlow(
        fresh.session.model,
        fresh.session.task,
        fresh.session.loss,
        probe,
      ).norms[0] as number[];
      release(fresh);
    }
    for (const nonlinearity of ["tanh", "relu"]) {
      for (const clip of [null, 1]) {
        const raw = edited(base, {
          "model.cell.nonlinearity": nonlinearity,
          "train.clip": clip,
          "train.steps": budget,
        });
        const label = `${nonlinearity}${clip === null ? ", no clipping" : `, clip ${clip}`}`;
        // The flow at initialisation, from a fresh model of the same config.
        const fresh = await trainOne(
          edited(raw, { ...context.overrides, "train.steps": 1 }),
          context.registry,
          context.io,
          context.datasets,
          context.plugins,
        );
        const initial = measureGradFlow(
          fresh.session.model,
          fresh.session.task,
          fresh.session.loss,
          probe,
        );
        release(fresh);
        const run = await trainVariant(context, label, raw);
        const trained =
          run.diverged === null
            ? (measureGradFlow(run.session.model, run.session.task, run.session.loss, probe)
                .norms[0] as number[])
            : null;
        variants.push({
          label,
          nonlinearity,
          clip,
          initial: initial.norms[0] as number[],
          trained,
          diverged: run.diverged,
          maxGradNorm: run.maxGradNorm,
          loss: run.metrics.loss as number,
        });
        release(run);
      }
    }
    const find = (nl: string, clip: number | null) =>
      variants.find((v) => v.nonlinearity === nl && v.clip === clip) as (typeof variants)[number];
    const ratio = (norms: number[]) => (norms[0] as number) / (norms[norms.length - 1] as number);
    const reluFree = find("relu", null);
    const reluClipped = find("relu", 1);
    const checks: Check[] = [
      {
        claim:
          "with small recurrent weights the tanh RNN's gradient vanishes going back in time (‖∂L/∂h_0‖ < 10⁻² ‖∂L/∂h_63‖)",
        passed: ratio(defaultInit.tanh as number[]) < 1e-2,
        detail: `‖∂L/∂h_0‖ / ‖∂L/∂h_63‖ = ${ratio(defaultInit.tanh as number[]).toExponential(1)} at PyTorch's default initialisation`,
      },
      {
        claim: `the relu RNN's gradient grows going back in time (W_hh orthogonal × ${gain})`,
        passed: ratio(reluFree.initial) > 1,
        detail: `‖∂L/∂h_0‖ / ‖∂L/∂h_63‖ = ${ratio(reluFree.initial).toExponential(1)} at initialisation`,
      },
      {
        claim: `without clipping the relu RNN diverges at lr ${lr}; clipped at 1 it trains`,
        passed: reluFree.diverged !== null && reluClipped.diverged === null,
        detail: `no clipping: ${reluFree.diverged === null ? `no divergence, loss ${fmt(reluFree.loss)}` : `diverged at step ${reluFree.diverged} (max ‖∇θ‖ ${reluFree.maxGradNorm.toExponential(1)})`}; clip 1: ${reluClipped.diverged === null ? `loss ${fmt(reluClipped.loss)}` : `diverged at step ${reluClipped.diverged}`}`,
      },
    ];
    const line = (name: string, norms: number[]) => ({
      name,
      points: norms.map((n, t) => [t, n] as [number, number]),
    });
    const initialFlows = [
      line("tanh, default init", defaultInit.tanh as number[]),
      line("relu, default init", defaultInit.relu as number[]),
      ...variants
        .filter((v) => v.clip === null)
        .map((v) => line(`${v.nonlinearity}, orthogonal × ${gain}`, v.initial)),
    ];
    return {
      claim:
        "Backpropagation through time multiplies by W_hh (and the activation's slope) once per step, so over many steps the gradient vanishes (tanh, sigmoid) or explodes (relu); clipping the gradient norm keeps training alive when it explodes, but does nothing for vanishing.",
      quote:
        "activation function이 sigmoid라면 vanishing gradient, RELU라면 exploding gradient 현상 발생",
      experiment: `A one-layer RNN (hidden 64, W_hh orthogonal × ${gain}) on Moby Dick, tanh or relu, trained with plain SGD at lr ${lr} for ${budget} steps of 16 × 64 characters, with and without clipping the gradient norm at 1. ‖∂L/∂h_t‖ is measured for t = 0 … ${length - 1} on held-out text with L the loss at the last step, at initialisation (also with PyTorch's default init, U(±1/√H)) and after training (the gradient that reaches step t has passed through ${length - 1} − t Jacobians).`,
      configs: ["6-gradflow.json"],
      charts: [
        lineChart({
          title: "‖∂L/∂h_t‖ at initialisation (L = loss at t = 63)",
          xLabel: "time step t",
          yLabel: "‖∂L/∂h_t‖ (log)",
          logY: true,
          series: initialFlows,
        }),
        barChart({
          title: `largest gradient norm in ${budget} training steps (before clipping), log₁₀`,
          categories: variants.map((v) => v.label),
          series: [
            {
              name: "log10 max ‖∇θ‖",
              values: variants.map((v) =>
                Number.isFinite(v.maxGradNorm) ? Math.log10(v.maxGradNorm) : null,
              ),
            },
          ],
          yLabel: "log₁₀ ‖∇θ‖",
          digits: 2,
        }),
      ],
      tables: [
        {
          header: [
            "RNN",
            "‖∂L/∂h_0‖ (init)",
            "‖∂L/∂h_63‖ (init)",
            "max ‖∇θ‖ in training",
            "result",
          ],
          rows: variants.map((v) => [
            v.label,
            (v.initial[0] as number).toExponential(1),
            (v.initial[v.initial.length - 1] as number).toExponential(1),
            Number.isFinite(v.maxGradNorm) ? v.maxGradNorm.toExponential(1) : "inf",
            v.diverged === null
              ? `validation ${fmt(v.loss)} nats/char`
              : `diverged at step ${v.diverged}`,
          ]),
        },
      ],
      checks,
      numbers: { lr, gain, length, steps: budget, defaultInit, variants },
    };
  },
};
