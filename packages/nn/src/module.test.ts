import { backward } from "@recurrent/autograd";
import { Generator, mul, sum, type Tensor, tensor, tidy, zeros } from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { Dropout } from "./dropout.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import {
  parseRecurrentParameterName,
  recurrentParameterName,
  recurrentParameterNames,
} from "./names.js";
import { isParameter, Parameter } from "./parameter.js";
import { Sequential } from "./sequential.js";

const generator = () => new Generator(0);

/** A two-level model with PyTorch-style names: encoder.*, head.*, a buffer and dropout. */
class Net extends Module {
  readonly encoder: Linear;
  readonly head: Linear;
  readonly drop: Dropout;
  readonly scale: Parameter;
  constructor() {
    super();
    const g = generator();
    this.scale = this.registerParameter("scale", tensor([1.5]));
    this.encoder = this.registerModule("encoder", new Linear(3, 4, { generator: g }));
    this.drop = this.registerModule("drop", new Dropout(0.5, { generator: g }));
    this.head = this.registerModule("head", new Linear(4, 2, { generator: g, bias: false }));
    this.registerBuffer("steps", tensor([0], { dtype: "int32" }));
  }
}

describe("Parameter", () => {
  it("is a Tensor subclass that requires a gradient and shares the source storage", () => {
    const source = tensor([1, 2, 3]);
    const p = new Parameter(source);
    expect(p.requiresGrad).toBe(true);
    expect(p.storage).toBe(source.storage);
    expect(isParameter(p)).toBe(true);
    expect(isParameter(source)).toBe(false);
  });

  it("survives the tidy scope it was made in", () => {
    const p = tidy(() => {
      new Parameter(zeros([2])); // a stray one made inside is kept too, like any parameter
      return new Parameter(zeros([2]));
    });
    expect(p.disposed).toBe(false);
    const kept = tidy(() => {
      const inner = new Parameter(zeros([2]));
      return () => inner;
    })();
    expect(kept.disposed).toBe(false);
    expect(Array.from(kept.data())).toEqual([0, 0]);
  });

  it("refuses int32 tensors", () => {
    expect(() => new Parameter(tensor([1], { dtype: "int32" }))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: Parameter: expected a float32 or float64 tensor, got int32]`,
    );
  });
});

describe("Module", () => {
  it("lists parameters with dotted PyTorch names in registration order", () => {
    const net = new Net();
    expect(net.namedParameters().map(([name, p]) => [name, p.shape])).toEqual([
      ["scale", [1]],
      ["encoder.weight", [4, 3]],
      ["encoder.bias", [4]],
      ["head.weight", [2, 4]],
    ]);
    expect(net.parameters()).toHaveLength(4);
    expect(net.namedChildren().map(([name]) => name)).toEqual(["encoder", "drop", "head"]);
    expect(net.children()[0]).toBe(net.encoder);
    expect(net.namedModules().map(([name]) => name)).toEqual(["", "encoder", "drop", "head"]);
    expect(net.namedBuffers().map(([name]) => name)).toEqual(["steps"]);
  });

  it("stateDict holds parameters and persistent buffers in PyTorch's order, sharing storage", () => {
    const net = new Net();
    const dict = net.stateDict();
    expect(Object.keys(dict)).toEqual([
      "scale",
      "steps",
      "encoder.weight",
      "encoder.bias",
      "head.weight",
    ]);
    expect(dict["encoder.weight"]?.requiresGrad).toBe(false);
    expect(dict["encoder.weight"]?.storage).toBe(net.encoder.weight.storage);
  });

  it("non-persistent buffers stay out of the state dict", () => {
    const m = new Module();
    m.registerBuffer("cache", zeros([2]), { persistent: false });
    expect(Object.keys(m.stateDict())).toEqual([]);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(["cache"]);
  });

  it("lists a shared parameter once in parameters() but under every name in stateDict()", () => {
    const g = generator();
    const a = new Linear(2, 2, { generator: g });
    const outer = new Module();
    outer.registerModule("first", a);
    outer.registerModule("second", a);
    expect(outer.namedParameters().map(([n]) => n)).toEqual(["first.weight", "first.bias"]);
    expect(Object.keys(outer.stateDict())).toEqual([
      "first.weight",
      "first.bias",
      "second.weight",
      "second.bias",
    ]);
  });

  it("train() and eval() reach every descendant", () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    net.eval();
    expect(net.modules().map((m) => m.training)).toEqual([false, false, false, false]);
    net.train();
    expect(net.drop.training).toBe(true);
    net.drop.eval();
    expect([net.training, net.drop.training]).toEqual([true, false]);
  });

  it("rejects bad and duplicate names", () => {
    const m = new Module();
    m.registerParameter("w", zeros([1]));
    expect(() => m.registerParameter("w", zeros([1]))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: registerParameter: expected a new name, got "w", which is already a parameter of Module]`,
    );
    expect(() => m.registerModule("w", new Module())).toThrowErrorMatchingInlineSnapshot(
      `[NnError: registerModule: expected a new name, got "w", which is already a parameter of Module]`,
    );
    expect(() => m.registerBuffer("a.b", zeros([1]))).toThrowErrorMatchingInlineSnapshot(
      `[NnError: registerBuffer: expected a non-empty name without ".", got "a.b"]`,
    );
    expect(() => m.registerParameter("", zeros([1]))).toThrow(/non-empty name/);
  });

  it("zeroGrad clears every parameter's gradient", () => {
    const net = new Net();
    const x = tensor([[1, 2, 3]]);
    backward(sum(net.head.forward(net.encoder.forward(x))));
    expect(net.encoder.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });

  it("prints its tree", () => {
    const mlp = new Sequential(
      new Linear(4, 8, { generator: generator() }),
      Math.tanh as unknown as (x: Tensor) => Tensor,
      new Linear(8, 2, { generator: generator(), bias: false }),
    );
    expect(mlp.toString()).toBe(
      [
        "Sequential(",
        "  (0): Linear(in=4, out=8, bias=true)",
        "  (1): tanh()",
        "  (2): Linear(in=8, out=2, bias=false)",
        ")",
      ].join("\n"),
    );
  });
});

describe("loadStateDict", () => {
  it("copies values in place (the parameter objects stay the same)", () => {
    const net = new Net();
    const weight = net.encoder.weight;
    const dict = new Net().stateDict();
    dict["encoder.weight"] = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      { shape: [4, 3] },
    );
    dict.steps = tensor([7], { dtype: "int32" });
    const result = net.loadStateDict(dict);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(net.encoder.weight).toBe(weight);
    expect(Array.from(weight.data())).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from(net.namedBuffers()[0]?.[1].data() ?? [])).toEqual([7]);
  });

  it("converts float64 values into float32 parameters", () => {
    const layer = new Linear(1, 1, { generator: generator() });
    layer.loadStateDict({
      weight: tensor([[0.1]], { dtype: "float64" }),
      bias: tensor([-2], { dtype: "float64" }),
    });
    expect(layer.weight.data()[0]).toBe(Math.fround(0.1));
    expect(layer.weight.dtype).toBe("float32");
  });

  it("reports every missing, unexpected and mis-shaped key at once, with both shapes, and loads nothing", () => {
    const net = new Net();
    const before = Array.from(net.scale.data());
    const dict: Record<string, Tensor> = {
      scale: tensor([9]),
      "encoder.weight": zeros([3, 4]),
      "encoder.bias": zeros([4]),
      "head.weight": zeros([2, 4, 1]),
      "head.bias": zeros([2]),
      "decoder.weight": zeros([5]),
      steps: zeros([1]),
    };
    let error: unknown;
    try {
      net.loadStateDict(dict);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "STATE_DICT", name: "StateDictError" });
    expect((error as Error).message).toBe(
      [
        "Net.loadStateDict: the state dict does not fit the module (5 problems):",
        '  - unexpected key "head.bias" ([2])',
        '  - unexpected key "decoder.weight" ([5])',
        '  - dtype mismatch for "steps": expected int32, got float32',
        '  - size mismatch for "encoder.weight": expected [4,3], got [3,4]',
        '  - size mismatch for "head.weight": expected [2,4], got [2,4,1]',
      ].join("\n"),
    );
    expect(Array.from(net.scale.data())).toEqual(before);

    const { scale: _, ...withoutScale } = new Net().stateDict();
    expect(() => net.loadStateDict(withoutScale)).toThrowErrorMatchingInlineSnapshot(`
      [StateDictError: Net.loadStateDict: the state dict does not fit the module (1 problem):
        - missing key "scale" (expected [1])]
    `);
  });

  it("with strict: false, returns missing and unexpected keys but still refuses a size mismatch", () => {
    const net = new Net();
    const dict = net.stateDict();
    delete dict["head.weight"];
    dict.extra = zeros([1]);
    expect(net.loadStateDict(dict, { strict: false })).toEqual({
      missingKeys: ["head.weight"],
      unexpectedKeys: ["extra"],
    });
    dict["encoder.bias"] = zeros([5]);
    expect(() => net.loadStateDict(dict, { strict: false })).toThrowErrorMatchingInlineSnapshot(`
      [StateDictError: Net.loadStateDict: the state dict does not fit the module (1 problem):
        - size mismatch for "encoder.bias": expected [4], got [5]]
    `);
  });

  it("round-trips: a fresh model loaded from another's state dict computes the same", () => {
    const a = new Net();
    const b = new Net();
    b.encoder.weight.assign(mul(b.encoder.weight, 3)); // make them differ
    b.loadStateDict(a.stateDict());
    const x = tensor([[0.3, -1, 2]]);
    expect(Array.from(b.head.forward(b.encoder.forward(x)).data())).toEqual(
      Array.from(a.head.forward(a.encoder.forward(x)).data()),
    );
  });
});

describe("recurrent parameter names (PyTorch's)", () => {
  it.each([
    ["weight_ih", 0, false, "weight_ih_l0"],
    ["weight_hh", 0, false, "weight_hh_l0"],
    ["bias_ih", 1, false, "bias_ih_l1"],
    ["bias_hh", 2, true, "bias_hh_l2_reverse"],
    ["weight_hr", 0, true, "weight_hr_l0_reverse"],
  ] as const)("%s layer %i reverse %s → %s", (kind, layer, reverse, name) => {
    expect(recurrentParameterName(kind, layer, reverse)).toBe(name);
    expect(parseRecurrentParameterName(name)).toEqual({ kind, layer, reverse });
  });

  it("gives the four names of a layer and rejects non-names", () => {
    expect(recurrentParameterNames(3, true)).toEqual({
      weightIh: "weight_ih_l3_reverse",
      weightHh: "weight_hh_l3_reverse",
      biasIh: "bias_ih_l3_reverse",
      biasHh: "bias_hh_l3_reverse",
    });
    for (const bad of ["weight_l0", "weight_ih_l", "weight_ih_l01", "0.weight_ih_l0"]) {
      expect(parseRecurrentParameterName(bad), bad).toBeUndefined();
    }
    expect(() => recurrentParameterName("weight_ih", -1)).toThrowErrorMatchingInlineSnapshot(
      `[NnError: recurrentParameterName: expected a layer index >= 0, got -1]`,
    );
  });
});
