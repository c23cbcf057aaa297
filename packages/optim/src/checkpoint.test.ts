// Optimizer and schedule state in the same safetensors checkpoint as the weights (@recurrent/nn's
// Checkpoint), and a resumed run that matches an uninterrupted one bit for bit.
import { backward } from "@recurrent/autograd";
import { Checkpoint, Linear, loadSafetensors, mseLoss, Sequential } from "@recurrent/nn";
import { Generator, type Tensor, tanh } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { type AnyTransform, chain } from "./chain.js";
import { clipGradNorm } from "./clip.js";
import { clipByGlobalNorm } from "./clip-transforms.js";
import { Optimizer } from "./optimizer.js";
import { rmsprop } from "./rmsprop.js";
import { sequentialLr } from "./schedules/compose.js";
import { cosineAnnealingLr } from "./schedules/cosine-annealing.js";
import { linearLr } from "./schedules/linear.js";
import { reduceLrOnPlateau } from "./schedules/reduce-on-plateau.js";
import { Scheduler } from "./schedules/scheduler.js";
import { sgd } from "./sgd.js";

const data = new Generator(3);
const x = data.normal([32, 4]);
const y = data.normal([32, 2]);

function makeModel(seed: number) {
  const g = new Generator(seed);
  return new Sequential(
    new Linear(4, 8, { generator: g }),
    tanh,
    new Linear(8, 2, { generator: g }),
  );
}

const transforms: [string, () => AnyTransform][] = [
  ["sgd", () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
  ["adam", () => adam({ lr: 0.01, amsgrad: true, weightDecay: 1e-4 })],
  ["adamw", () => adamw({ lr: 0.01 })],
  ["rmsprop", () => rmsprop({ lr: 0.005, centered: true, momentum: 0.3 })],
  ["adagrad", () => adagrad({ lr: 0.05 })],
  [
    "chain(clipByGlobalNorm, adam)",
    () => chain(clipByGlobalNorm({ maxNorm: 0.5 }), adam({ lr: 0.01 })),
  ],
];

interface Run {
  model: Sequential;
  optimizer: Optimizer;
  warmup: Scheduler;
  plateau: Scheduler;
}

function start(seed: number, make: () => AnyTransform): Run {
  const model = makeModel(seed);
  const optimizer = new Optimizer(model.namedParameters(), make());
  // two schedules: one sets the lr each step; the other watches the loss (on a plain target, so both
  // state kinds, with plateau's ±Infinity, go through the file)
  const warmup = new Scheduler(
    optimizer,
    sequentialLr(
      [linearLr({ startFactor: 0.1, totalIters: 4 }), cosineAnnealingLr({ tMax: 12 })],
      [4],
    ),
  );
  const plateau = new Scheduler({ lr: 1 }, reduceLrOnPlateau({ patience: 1, factor: 0.5 }));
  return { model, optimizer, warmup, plateau };
}

function train(run: Run, steps: number): void {
  for (let k = 0; k < steps; k++) {
    run.optimizer.zeroGrad();
    const loss = mseLoss(run.model.forward(x), y);
    backward(loss);
    clipGradNorm(run.model.namedParameters(), 1);
    run.optimizer.step();
    run.warmup.step();
    run.plateau.step(loss.item());
  }
}

function save(run: Run): Uint8Array {
  return new Checkpoint({ note: "optim resume test" })
    .add("model", { tensors: run.model.stateDict() })
    .add("optimizer", run.optimizer.stateDict())
    .add("schedule", run.warmup.stateDict())
    .add("plateau", run.plateau.stateDict())
    .toBytes();
}

function load(run: Run, bytes: Uint8Array): void {
  const ckpt = Checkpoint.fromBytes(bytes);
  run.model.loadStateDict(ckpt.tensors("model"));
  run.optimizer.loadStateDict({ tensors: ckpt.tensors("optimizer"), json: ckpt.json("optimizer") });
  run.warmup.loadStateDict({ tensors: ckpt.tensors("schedule"), json: ckpt.json("schedule") });
  run.plateau.loadStateDict({ tensors: ckpt.tensors("plateau"), json: ckpt.json("plateau") });
}

const values = (dict: Record<string, Tensor>) =>
  Object.entries(dict).map(([name, t]) => [name, t.dtype, [...t.shape], [...t.data()]]);

describe.each(transforms)("%s: save to one checkpoint file, resume", (_, make) => {
  it("continues exactly like the uninterrupted run, bit for bit", () => {
    const straight = start(0, make);
    train(straight, 14);

    const first = start(0, make);
    train(first, 6);
    const bytes = save(first);

    const resumed = start(1, make); // other initial weights: everything must come from the file
    load(resumed, bytes);
    train(resumed, 8);

    // exact equality: same float32 bits for the weights and every state array
    expect(values(resumed.model.stateDict())).toEqual(values(straight.model.stateDict()));
    expect(values(resumed.optimizer.stateDict().tensors as Record<string, Tensor>)).toEqual(
      values(straight.optimizer.stateDict().tensors as Record<string, Tensor>),
    );
    expect(resumed.optimizer.stateDict().json).toEqual(straight.optimizer.stateDict().json);
    expect(resumed.warmup.state).toEqual(straight.warmup.state);
    expect(resumed.plateau.state).toEqual(straight.plateau.state);
  });
});

describe("the checkpoint file", () => {
  it("is plain safetensors: optimizer tensors under optimizer.state.<param>.<field>, shaped like the parameter", () => {
    const run = start(0, () => adam({ lr: 0.01 }));
    train(run, 2);
    const { tensors, metadata } = loadSafetensors(save(run));
    expect(
      Object.keys(tensors)
        .filter((k) => k.startsWith("optimizer."))
        .sort(),
    ).toEqual([
      "optimizer.state.0.bias.expAvg",
      "optimizer.state.0.bias.expAvgSq",
      "optimizer.state.0.weight.expAvg",
      "optimizer.state.0.weight.expAvgSq",
      "optimizer.state.2.bias.expAvg",
      "optimizer.state.2.bias.expAvgSq",
      "optimizer.state.2.weight.expAvg",
      "optimizer.state.2.weight.expAvgSq",
    ]);
    expect(tensors["optimizer.state.0.weight.expAvg"]?.shape).toEqual([8, 4]);
    expect(metadata.note).toBe("optim resume test");
    const plateau = Checkpoint.fromBytes(save(run)).json<{ state: { best: unknown } }>("plateau");
    expect(typeof plateau?.state.best).not.toBe("undefined");
  });
});
