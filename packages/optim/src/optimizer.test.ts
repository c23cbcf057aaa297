// The Optimizer shell and the pure core around it: what step reads and writes, purity of update,
// chaining, hyper-parameter overrides, and state that saves and resumes bit for bit.
import { backward } from "@recurrent/autograd";
import {
  add,
  Generator,
  matMul,
  mean,
  square,
  sub,
  type Tensor,
  tanh,
  tensor,
  transpose,
  zeros,
} from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import type { AnyTransform } from "./chain.js";
import { chain } from "./chain.js";
import { clipGradNorm } from "./clip.js";
import { clipByGlobalNorm } from "./clip-transforms.js";
import { Optimizer } from "./optimizer.js";
import { rmsprop } from "./rmsprop.js";
import { sequentialLr } from "./schedules/compose.js";
import { cosineAnnealingLr } from "./schedules/cosine-annealing.js";
import { linearLr } from "./schedules/linear.js";
import { Scheduler } from "./schedules/scheduler.js";
import { sgd } from "./sgd.js";
import type { StateDict } from "./state-dict.js";
import { applyUpdates, type NamedArrays } from "./transform.js";

/** A small tanh regression whose parameters the tests train. */
function model(weightSeed = 7) {
  const data = new Generator(1);
  const x = data.normal([16, 3]);
  const y = data.normal([16, 2]);
  const w = new Generator(weightSeed).normal([3, 2]);
  const b = zeros([2]);
  w.requiresGrad = true;
  b.requiresGrad = true;
  const params: [string, Tensor][] = [
    ["layer.weight", w],
    ["layer.bias", b],
  ];
  const loss = () => mean(square(sub(tanh(add(matMul(x, w), b)), y)));
  return { params, loss, w, b };
}

const snapshot = (params: readonly (readonly [string, Tensor])[]) =>
  params.map(([name, p]) => [name, [...p.data()]] as const);

const allTransforms: [string, () => AnyTransform][] = [
  ["sgd", () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ["adam", () => adam({ lr: 0.05, amsgrad: true })],
  ["adamw", () => adamw({ lr: 0.05 })],
  ["rmsprop", () => rmsprop({ centered: true, momentum: 0.5 })],
  ["adagrad", () => adagrad({ lr: 0.1, lrDecay: 0.01 })],
  ["chain(clip, adam)", () => chain(clipByGlobalNorm({ maxNorm: 0.5 }), adam({ lr: 0.05 }))],
];

describe("Optimizer.step", () => {
  it("never touches the gradients and skips parameters without one", () => {
    const { params, loss, w, b } = model();
    const optimizer = new Optimizer(params, adam({ lr: 0.1 }));
    backward(loss());
    b.grad = null;
    const grad = w.grad as Tensor;
    const before = [...grad.data()];
    const bias = [...b.data()];
    optimizer.step();
    expect(w.grad).toBe(grad);
    expect([...grad.data()]).toEqual(before);
    expect([...b.data()]).toEqual(bias);
    const state = optimizer.state as Record<string, { step: number }>;
    expect(state["layer.weight"]?.step).toBe(1);
    expect(state["layer.bias"]?.step).toBe(0);
  });

  it("lets clipping sit between backward and step", () => {
    const { params, loss, w } = model();
    const optimizer = new Optimizer(params, sgd({ lr: 1 }));
    backward(loss());
    const norm = clipGradNorm(params, 1e-3);
    expect(norm).toBeGreaterThan(1e-3);
    const before = [...w.data()];
    const grad = [...(w.grad as Tensor).data()];
    optimizer.step();
    const expected = before.map((v, i) => Math.fround(v - (grad[i] as number)));
    expect([...w.data()]).toEqual(expected);
  });

  it("zeroGrad drops the gradients, and a step without gradients changes nothing", () => {
    const { params, loss } = model();
    const optimizer = new Optimizer(params, sgd({ lr: 0.1 }));
    backward(loss());
    optimizer.zeroGrad();
    expect(params.every(([, p]) => p.grad === null)).toBe(true);
    const before = snapshot(params);
    optimizer.step();
    expect(snapshot(params)).toEqual(before);
  });

  it("accepts [name, tensor] pairs, a Map, a record, or bare tensors (named by position)", () => {
    const a = zeros([1]);
    const c = zeros([2]);
    const names = (input: ConstructorParameters<typeof Optimizer>[0]) =>
      new Optimizer(input, sgd({ lr: 1 })).parameters.map(([n]) => n);
    expect(names([["a", a] as const, ["c", c] as const])).toEqual(["a", "c"]);
    expect(names(new Map([["a", a]]))).toEqual(["a"]);
    expect(names({ a, c })).toEqual(["a", "c"]);
    expect(names([a, c])).toEqual(["0", "1"]);
  });

  it("checks the gradient's shape", () => {
    const w = zeros([2, 3]);
    const optimizer = new Optimizer({ w }, sgd({ lr: 1 }));
    w.grad = zeros([3, 2]);
    expect(() => optimizer.step()).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: Optimizer.step: the gradient of "w" is [3,2], but the parameter is [2,3]]`,
    );
  });

  it("rejects unusable parameters, listing every problem", () => {
    const w = zeros([2, 3]);
    expect(
      () =>
        new Optimizer(
          [
            ["w", w],
            ["w", zeros([1])],
            ["v", w],
            ["ids", zeros([2], "int32")],
            ["t", transpose(zeros([2, 3]), 0, 1)],
          ],
          sgd({ lr: 1 }),
        ),
    ).toThrowErrorMatchingInlineSnapshot(`
      [OptimError: Optimizer: 4 problems with the parameters:
        - parameter name "w" appears twice
        - "w" and "v" are the same tensor
        - parameter "ids" is int32; only float32 and float64 tensors can be optimized
        - parameter "t" is a strided view; pass a contiguous tensor (e.g. contiguous(t)) so it can be updated in place]
    `);
    expect(() => new Optimizer([], sgd({ lr: 1 }))).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: Optimizer: got no parameters]`,
    );
  });
});

describe("the pure core", () => {
  it.each(allTransforms)(
    "%s: update leaves its inputs alone and equals updateInPlace bit for bit",
    (_, make) => {
      const tx = make();
      const params: NamedArrays = { w: new Float32Array([0.5, -1, 2]), b: new Float32Array([0.1]) };
      const grads: NamedArrays = {
        w: new Float32Array([0.3, -0.2, 0.9]),
        b: new Float32Array([-0.4]),
      };
      const copy = (x: NamedArrays) => structuredClone(x);
      const paramsBefore = copy(params);
      const gradsBefore = copy(grads);
      let pure = tx.init(params);
      let inPlace = tx.init(params);
      let p1 = params;
      let p2 = params;
      for (let k = 0; k < 5; k++) {
        const stateBefore = structuredClone(pure);
        const a = tx.update(grads, pure, p1);
        expect(pure).toEqual(stateBefore);
        const b = (tx.updateInPlace ?? tx.update)(grads, inPlace, p2);
        expect(a.updates).toEqual(b.updates);
        expect(a.state).toEqual(b.state);
        pure = a.state;
        inPlace = b.state;
        p1 = applyUpdates(p1, a.updates);
        p2 = applyUpdates(p2, b.updates);
      }
      expect(params).toEqual(paramsBefore);
      expect(grads).toEqual(gradsBefore);
    },
  );

  it("names a gradient without a parameter, a wrong length, and missing state", () => {
    const tx = sgd({ lr: 1 });
    const params = { w: new Float32Array(2) };
    const state = tx.init(params);
    expect(() =>
      tx.update({ v: new Float32Array(2) }, state, params),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: sgd: gradient "v" matches no parameter (parameters: w)]`,
    );
    expect(() =>
      tx.update({ w: new Float32Array(3) }, state, params),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: sgd: gradient "w" has 3 elements, but the parameter has 2]`,
    );
    expect(() =>
      tx.update({ w: new Float32Array(2) }, {}, params),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: sgd: no state for parameter "w"; make the state with init(params) over every parameter]`,
    );
  });

  it("takes per-call hyper-parameter overrides, validated", () => {
    const tx = adam({ lr: 0.1 });
    const params = { w: new Float64Array([1]) };
    const grads = { w: new Float64Array([2]) };
    const slow = tx.update(grads, tx.init(params), params, { lr: 0.01 });
    expect((slow.updates.w as Float64Array)[0]).toBeCloseTo(-0.01, 9);
    expect(() =>
      tx.update(grads, tx.init(params), params, { lr: -1 }),
    ).toThrowErrorMatchingInlineSnapshot(`[OptimError: adam: lr must be >= 0, got -1]`);
    expect(tx.hyper.lr).toBe(0.1);
  });
});

describe("hyper-parameters in the shell", () => {
  it("lr reads and sets the learning rate, also through a chain", () => {
    const { params } = model();
    const optimizer = new Optimizer(
      params,
      chain(clipByGlobalNorm({ maxNorm: 1 }), adam({ lr: 0.01 })),
    );
    expect(optimizer.lr).toBe(0.01);
    optimizer.lr = 0.002;
    expect(optimizer.hyper.lr).toBe(0.002);
    expect(optimizer.hyper.maxNorm).toBe(1);
    expect(() => {
      optimizer.lr = -3;
    }).toThrowErrorMatchingInlineSnapshot(`[OptimError: adam: lr must be >= 0, got -3]`);
    expect(() => optimizer.setHyper({ lrr: 1 } as never)).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: chain(clipByGlobalNorm, adam): unknown option "lrr"; did you mean "lr"? (options: maxNorm, normType, lr, betas, eps, weightDecay, amsgrad, maximize)]`,
    );
    expect(optimizer.lr).toBe(0.002);
  });

  it("a transform without lr says so", () => {
    const optimizer = new Optimizer([zeros([1])], clipByGlobalNorm({ maxNorm: 1 }));
    expect(() => optimizer.lr).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: Optimizer: clipByGlobalNorm has no learning rate (lr)]`,
    );
  });
});

/** Train `steps` steps of `optimizer` (and `scheduler`) on `loss`. */
function train(
  optimizer: Optimizer,
  loss: () => Tensor,
  steps: number,
  scheduler?: Scheduler,
): void {
  for (let k = 0; k < steps; k++) {
    optimizer.zeroGrad();
    backward(loss());
    clipGradNorm(optimizer.parameters, 5);
    optimizer.step();
    scheduler?.step();
  }
}

const schedule = () =>
  sequentialLr(
    [linearLr({ startFactor: 0.2, totalIters: 3 }), cosineAnnealingLr({ tMax: 20 })],
    [3],
  );

describe("stateDict and resuming", () => {
  it.each(allTransforms)(
    "%s: N steps, save, load into fresh objects, continue = uninterrupted, bit for bit",
    (_, make) => {
      const straight = model();
      const optimizer = new Optimizer(straight.params, make());
      const scheduler = "lr" in optimizer.hyper ? new Scheduler(optimizer, schedule()) : undefined;
      train(optimizer, straight.loss, 12, scheduler);

      const first = model();
      const before = new Optimizer(first.params, make());
      const beforeScheduler = "lr" in before.hyper ? new Scheduler(before, schedule()) : undefined;
      train(before, first.loss, 5, beforeScheduler);
      const saved = {
        weights: snapshot(first.params),
        optimizer: before.stateDict(),
        scheduler: beforeScheduler?.stateDict(),
      };
      train(before, first.loss, 3, beforeScheduler); // later steps must not change what was saved

      const second = model(99); // different starting weights, overwritten by the saved ones
      second.params.forEach(([, p], i) => {
        p.data().set(saved.weights[i]?.[1] as number[]);
      });
      const after = new Optimizer(second.params, make());
      const afterScheduler = "lr" in after.hyper ? new Scheduler(after, schedule()) : undefined;
      after.loadStateDict(saved.optimizer);
      if (saved.scheduler !== undefined) afterScheduler?.loadStateDict(saved.scheduler);
      train(after, second.loss, 7, afterScheduler);

      expect(snapshot(second.params)).toEqual(snapshot(straight.params));
      expect(after.stateDict().json).toEqual(optimizer.stateDict().json);
    },
  );

  it("names tensors by parameter and field, shaped like the parameter", () => {
    const { params, loss } = model();
    const optimizer = new Optimizer(params, adam({ amsgrad: true }));
    train(optimizer, loss, 1);
    const { tensors, json } = optimizer.stateDict();
    expect(Object.keys(tensors).sort()).toEqual([
      "state.layer.bias.expAvg",
      "state.layer.bias.expAvgSq",
      "state.layer.bias.maxExpAvgSq",
      "state.layer.weight.expAvg",
      "state.layer.weight.expAvgSq",
      "state.layer.weight.maxExpAvgSq",
    ]);
    expect(tensors["state.layer.weight.expAvg"]?.shape).toEqual([3, 2]);
    expect(json).toMatchObject({
      format: "recurrent.optim.optimizer/1",
      transform: "adam",
      hyper: {
        lr: 0.001,
        betas: [0.9, 0.999],
        eps: 1e-8,
        weightDecay: 0,
        amsgrad: true,
        maximize: false,
      },
      state: { "layer.bias": { step: 1, expAvg: { $tensor: "state.layer.bias.expAvg" } } },
    });
  });

  it("restores the hyper-parameters in force (a schedule's lr) with the state", () => {
    const { params } = model();
    const a = new Optimizer(params, sgd({ lr: 0.1, momentum: 0.9 }));
    a.lr = 0.025;
    const b = new Optimizer(params, sgd({ lr: 0.1, momentum: 0.9 }));
    b.loadStateDict(a.stateDict());
    expect(b.lr).toBe(0.025);
  });

  it("loads float64 state into float32 parameters (converted) and keeps an SGD buffer that is not made yet", () => {
    const w64 = tensor([1, 2], { dtype: "float64" });
    const a = new Optimizer({ w: w64 }, sgd({ lr: 0.1, momentum: 0.9 }));
    const fresh = a.stateDict();
    w64.grad = tensor([0.5, 0.25], { dtype: "float64" });
    a.step();
    const w32 = tensor([1, 2]);
    const b = new Optimizer({ w: w32 }, sgd({ lr: 0.1, momentum: 0.9 }));
    b.loadStateDict(a.stateDict());
    const buffer = (b.state as Record<string, { momentumBuffer: Float32Array }>).w?.momentumBuffer;
    expect(buffer).toBeInstanceOf(Float32Array);
    expect([...(buffer as Float32Array)]).toEqual([0.5, 0.25]);
    b.loadStateDict(fresh);
    expect((b.state as Record<string, { momentumBuffer: null }>).w?.momentumBuffer).toBeNull();
  });

  it("rejects a state that does not fit, listing every problem, and changes nothing", () => {
    const { params, loss } = model();
    const optimizer = new Optimizer(params, adam());
    train(optimizer, loss, 2);
    const good = optimizer.stateDict();
    const other = new Optimizer(
      [
        ["layer.weight", zeros([2, 2])],
        ["layer.gain", zeros([2])],
      ],
      adam(),
    );
    const wrongTensors: StateDict = {
      tensors: { ...good.tensors, stray: zeros([1]) },
      json: { ...(good.json as object), hyper: { lr: -1 } },
    };
    expect(() => other.loadStateDict(wrongTensors)).toThrowErrorMatchingInlineSnapshot(`
      [OptimError: Optimizer.loadStateDict: 6 problems with the saved state:
        - hyper: lr must be >= 0, got -1
        - state.layer.weight.expAvg: expected 4 elements, got 6
        - state.layer.weight.expAvgSq: expected 4 elements, got 6
        - state: parameter "layer.gain" has no saved state
        - state: the saved state has parameter "layer.bias", which this optimizer does not
        - tensor "stray" is not part of the optimizer state]
    `);
    expect(() =>
      other.loadStateDict(new Optimizer(params, sgd({ lr: 1 })).stateDict()),
    ).toThrowErrorMatchingInlineSnapshot(
      `[OptimError: Optimizer.loadStateDict: the state was saved by "sgd", but this optimizer is "adam"]`,
    );
    const missing: StateDict = { tensors: {}, json: good.json };
    expect(() => optimizer.loadStateDict(missing)).toThrow(
      /state.layer.weight.expAvg: the tensor "state.layer.weight.expAvg" is missing/,
    );
    const stepBefore = (optimizer.state as Record<string, { step: number }>)["layer.weight"]?.step;
    expect(stepBefore).toBe(2);
  });
});
