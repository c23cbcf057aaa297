import { gradcheck } from "@recurrent/autograd";
import { Generator, getBackend, listBackends, setBackend, tensor } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { crossEntropy } from "./cross-entropy.js";
import { l1Loss, mseLoss } from "./regression.js";

const g = new Generator(21);
const f64 = (shape: number[], scale = 1) => g.normal(shape, 0, scale, "float64");
const int = (values: number[][]) => tensor(values, { dtype: "int32" });

describe("crossEntropy", () => {
  it("matches −log softmax at the target, by hand", () => {
    // logits [0, ln 3] → p = [1/4, 3/4]: loss(target 1) = −ln(3/4), loss(target 0) = ln 4
    const logits = tensor(
      [
        [0, Math.log(3)],
        [0, Math.log(3)],
      ],
      { dtype: "float64" },
    );
    const none = crossEntropy(logits, tensor([1, 0], { dtype: "int32" }), { reduction: "none" });
    expect(Array.from(none.data()).map((v) => v.toFixed(12))).toEqual(
      [-Math.log(0.75), Math.log(4)].map((v) => v.toFixed(12)),
    );
    const mean = crossEntropy(logits, tensor([1, 0], { dtype: "int32" })).item();
    expect(mean).toBeCloseTo((-Math.log(0.75) + Math.log(4)) / 2, 12);
    // smoothing ε over C = 2: (1−ε)·nll + ε/2·(−ln ¼ − ln ¾), by hand for target 1
    const eps = 0.2;
    const smoothed = crossEntropy(logits, tensor([1, 1], { dtype: "int32" }), {
      labelSmoothing: eps,
    }).item();
    expect(smoothed).toBeCloseTo(
      (1 - eps) * -Math.log(0.75) + (eps / 2) * (Math.log(4) - Math.log(0.75)),
      12,
    );
  });

  it.each([
    ["mean", {}],
    ["sum with smoothing", { reduction: "sum" as const, labelSmoothing: 0.3 }],
    ["none", { reduction: "none" as const }],
    ["ignoreIndex", { ignoreIndex: 1 }],
    [
      "mask and smoothing",
      {
        labelSmoothing: 0.1,
        mask: tensor([
          [1, 0, 1],
          [0.5, 1, 0],
        ]),
      },
    ],
  ])("passes gradcheck in float64: %s", (_, options) => {
    const targets = int([
      [0, 1, 3],
      [2, 1, 3],
    ]);
    gradcheck((z, y) => crossEntropy(z, y, options), [f64([2, 3, 4], 2), targets]);
  });

  it.each([
    ["weight", { weight: [1, 2, 0.5, 3] }],
    [
      "weight, smoothing, ignoreIndex",
      { weight: [1, 2, 0.5, 3], labelSmoothing: 0.2, ignoreIndex: 3 },
    ],
  ])("passes gradcheck in float64 with class weights: %s", (_, options) => {
    const targets = int([
      [0, 1, 3],
      [2, 1, 3],
    ]);
    gradcheck((z, y) => crossEntropy(z, y, options), [f64([2, 3, 4], 2), targets]);
  });

  it("passes gradcheck in float64 with probability targets (logits and targets)", () => {
    const q = g.uniform([2, 3, 4], 0, 1, "float64");
    gradcheck(
      (z, p) => crossEntropy(z, p, { weight: [1, 2, 0.5, 3], labelSmoothing: 0.1 }),
      [f64([2, 3, 4], 2), q],
    );
  });

  it("ignored and masked positions neither count nor get gradients; all ignored gives NaN as PyTorch", () => {
    const z = tensor(
      [
        [1, 2, 3],
        [3, 1, 0],
      ],
      { dtype: "float64" },
    );
    const only = crossEntropy(
      tensor([[1, 2, 3]], { dtype: "float64" }),
      tensor([2], { dtype: "int32" }),
    ).item();
    expect(crossEntropy(z, tensor([2, -100], { dtype: "int32" })).item()).toBe(only);
    expect(
      crossEntropy(z, tensor([2, 0], { dtype: "int32" }), { mask: tensor([1, 0]) }).item(),
    ).toBe(only);
    expect(crossEntropy(z, tensor([-100, -100], { dtype: "int32" })).item()).toBeNaN();
  });

  it("stays finite for huge logits (through logSoftmax)", () => {
    const loss = crossEntropy(tensor([[1000, -1000, 0]]), tensor([1], { dtype: "int32" })).item();
    expect(loss).toBe(2000);
  });

  it("names what is wrong", () => {
    const z = tensor([[1, 2, 3]]);
    expect(() =>
      crossEntropy(z, tensor([3], { dtype: "int32" })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: crossEntropy: target 3 at flat position 0 is out of range for 3 classes (expected 0..2, or ignoreIndex -100)]`,
    );
    expect(() =>
      crossEntropy(z, tensor([[1]], { dtype: "int32" })),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: crossEntropy: targets must be [1] for logits [1,3], got [1,1]]`,
    );
    expect(() => crossEntropy(z, tensor([1]))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: crossEntropy: float targets are class probabilities and must be [1,3] like the logits (or int32 class indices [1]), got [1]]`,
    );
    expect(() =>
      crossEntropy(z, tensor([1], { dtype: "int32" }), { labelSmoothing: 2 }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: crossEntropy: labelSmoothing must be in [0, 1], got 2]`,
    );
    expect(() =>
      crossEntropy(z, tensor([1], { dtype: "int32" }), { reduction: "avg" as never }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: crossEntropy: reduction must be one of "mean", "sum", "none", got "avg"]`,
    );
  });
});

describe.runIf(listBackends().includes("wasm"))("crossEntropy on the wasm backend", () => {
  it("is right with a mask when its own allocations grow the memory (a mask read as a live view went stale)", () => {
    const before = getBackend().name;
    setBackend("wasm");
    try {
      const g = new Generator(1);
      const [T, B, C] = [14, 256, 57];
      const logits = g.normal([T, B, C]);
      const targets = g.randint([T, B], 0, C);
      const mask = tensor(
        Array.from({ length: T }, (_, t) =>
          Array.from({ length: B }, (_, b) => ((b * 7) % 15 > t ? 1 : 0)),
        ),
      );
      const want = crossEntropy(logits, targets, { mask, reduction: "sum" }).item();
      // Fill the memory to just under one log-softmax output, so computing it grows the memory.
      const m = getBackend().memory();
      const room = m.reservedBytes - m.liveBytes - T * B * C * 4;
      const filler = room > 0 ? getBackend().alloc("float32", Math.floor(room / 4)) : null;
      const grown = getBackend().memory().reservedBytes;
      const got = crossEntropy(logits, targets, { mask, reduction: "sum" }).item();
      expect(getBackend().memory().reservedBytes).toBeGreaterThan(grown);
      expect(got).toBeCloseTo(want, 2);
      filler?.releaseRef();
    } finally {
      setBackend(before);
    }
  });
});

describe("mseLoss and l1Loss", () => {
  it("match their definitions by hand", () => {
    const p = tensor([1, 2, 3, 4]);
    const t = tensor([1.5, 2, 1, 8]);
    // d = [−0.5, 0, 2, −4]
    expect(mseLoss(p, t).item()).toBe((0.25 + 0 + 4 + 16) / 4);
    expect(l1Loss(p, t).item()).toBe((0.5 + 0 + 2 + 4) / 4);
    expect(mseLoss(p, t, { reduction: "sum" }).item()).toBe(20.25);
    expect(Array.from(l1Loss(p, t, { reduction: "none" }).data())).toEqual([0.5, 0, 2, 4]);
  });

  it("a leading-axes mask drops positions and divides by the elements that count", () => {
    const p = tensor([
      [
        [1, 1],
        [2, 2],
      ],
      [
        [0, 0],
        [5, 5],
      ],
    ]); // [2, 2, 2]
    const t = tensor([
      [
        [0, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [0, 0],
      ],
    ]);
    const mask = tensor([
      [1, 0],
      [1, 1],
    ]);
    // counted: [1,1], [0,0], [5,5] → squares 1+1+0+0+25+25 over 6 elements
    expect(mseLoss(p, t, { mask }).item()).toBe(Math.fround(52 / 6)); // float32 result
    expect(l1Loss(p, t, { mask }).item()).toBe(12 / 6);
    expect(
      mseLoss(p, t, {
        mask: tensor([
          [
            [1, 0],
            [1, 1],
          ],
          [
            [1, 1],
            [1, 1],
          ],
        ]),
      }).item(),
    ).toBe(Math.fround(59 / 7));
  });

  it.each([
    ["mse", mseLoss],
    ["l1", l1Loss],
  ] as const)("%s passes gradcheck in float64, plain and masked", (_, loss) => {
    gradcheck((x, y) => loss(x, y), [f64([3, 4]), f64([3, 4])]);
    const mask = tensor(
      [
        [1, 0, 1],
        [0, 1, 1],
      ],
      { dtype: "float64" },
    );
    gradcheck((x, y) => loss(x, y, { mask }), [f64([2, 3, 2]), f64([2, 3, 2])]);
    gradcheck((x, y) => loss(x, y, { reduction: "sum" }), [f64([5]), f64([5])]);
  });

  it("names what is wrong", () => {
    expect(() => mseLoss(tensor([1, 2]), tensor([1, 2, 3]))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: mseLoss: target must be [2] like the prediction, got [3]]`,
    );
    expect(() =>
      l1Loss(tensor([[1, 2]]), tensor([[1, 2]]), { mask: tensor([1, 1]) }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[NnError: l1Loss: mask must be [1,2] or a leading part of it, got [2]]`,
    );
  });
});
