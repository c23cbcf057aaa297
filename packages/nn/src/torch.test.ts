/**
 * Weights and values against PyTorch, both ways.
 *
 * From PyTorch: fixtures/ were written by scripts/torch_nn_fixtures.py (run
 * with /usr/bin/python3 and Debian's python3-torch 1.13); these tests need no
 * torch. To PyTorch: a test writes our checkpoint to a temp file and runs the
 * script's --check mode on it, when torch can be imported; otherwise those
 * tests are skipped, with the reason in their title.
 *
 * Tolerances: float32 outputs and gradients within 1e-5 relative (plus 1e-6
 * absolute for values near zero, where a relative bound means nothing);
 * weights that only travel through files must match exactly.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward } from "@recurrent/autograd";
import {
  Generator,
  mul,
  type NestedArray,
  sum,
  type Tensor,
  tanh,
  tensor,
} from "@recurrent/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { Checkpoint } from "./checkpoint.js";
import { Embedding } from "./embedding.js";
import { Linear } from "./linear.js";
import { crossEntropy } from "./losses/cross-entropy.js";
import { l1Loss, mseLoss } from "./losses/regression.js";
import { loadSafetensors, saveSafetensors } from "./safetensors.js";
import { Sequential } from "./sequential.js";
import {
  expectClose,
  expectSameTensor,
  fixtureBytes,
  readFixture,
  scriptPath,
} from "./testing/helpers.js";

const float32 = { rtol: 1e-5, atol: 1e-6 };
const f32 = (v: NestedArray) => tensor(v);
const i32 = (v: NestedArray) => tensor(v, { dtype: "int32" });

describe("from PyTorch: fixtures written by torch_nn_fixtures.py", () => {
  it("loads torch.nn.Linear's state dict and matches its output and gradients (1e-5 relative)", () => {
    const file = loadSafetensors(fixtureBytes("linear.safetensors"));
    expect(file.metadata).toEqual({ source: "torch.nn.Linear(4, 3)" });
    const layer = new Linear(4, 3, { generator: new Generator(0) });
    layer.loadStateDict(file.tensors); // strict: same names, same shapes
    const fx = readFixture<{
      input: NestedArray;
      proj: NestedArray;
      output: NestedArray;
      grad: { weight: NestedArray; bias: NestedArray; input: NestedArray };
    }>("linear.json");
    const x = f32(fx.input);
    x.requiresGrad = true;
    const y = layer.forward(x);
    expectClose(y, fx.output, { ...float32, label: "output" });
    backward(sum(mul(y, f32(fx.proj))));
    expectClose(layer.weight.grad as Tensor, fx.grad.weight, { ...float32, label: "dW" });
    expectClose(layer.bias?.grad as Tensor, fx.grad.bias, { ...float32, label: "db" });
    expectClose(x.grad as Tensor, fx.grad.input, { ...float32, label: "dx" });
  });

  it("re-saves PyTorch's file byte for byte (same layout, same JSON)", () => {
    for (const name of ["linear.safetensors", "embedding.safetensors"]) {
      const bytes = fixtureBytes(name);
      const { tensors, metadata } = loadSafetensors(bytes);
      expect(Array.from(saveSafetensors(tensors, metadata)), name).toEqual(Array.from(bytes));
    }
  });

  it.each(["padded", "plain"] as const)(
    "loads torch.nn.Embedding and matches output and weight gradient: %s (1e-5 relative)",
    (variant) => {
      const file = loadSafetensors(fixtureBytes("embedding.safetensors"));
      const fx = readFixture<{
        ids: NestedArray;
        proj: NestedArray;
        padded: { output: NestedArray; grad_weight: NestedArray };
        plain: { output: NestedArray; grad_weight: NestedArray };
      }>("embedding.json");
      const table = new Embedding(10, 4, {
        generator: new Generator(0),
        ...(variant === "padded" ? { paddingIdx: 1 } : {}),
      });
      table.loadStateDict(file.tensors);
      const y = table.forward(i32(fx.ids));
      expectClose(y, fx[variant].output, { ...float32, label: "output" });
      backward(sum(mul(y, f32(fx.proj))));
      expectClose(table.weight.grad as Tensor, fx[variant].grad_weight, {
        ...float32,
        label: "dW",
      });
    },
  );

  interface LossCase {
    name: string;
    options: {
      ignoreIndex?: number;
      labelSmoothing?: number;
      reduction?: "mean" | "sum" | "none";
      mask?: NestedArray;
      weight?: number[];
    };
    logits: NestedArray;
    targets: NestedArray;
    /** The targets are class probabilities (float, the shape of the logits). */
    soft?: boolean;
    /** "NaN" where every target is ignored (JSON has no NaN). */
    value: NestedArray | "NaN";
    grad?: NestedArray;
  }
  const losses = readFixture<{
    crossEntropy: LossCase[];
    regression: {
      prediction: NestedArray;
      target: NestedArray;
      cases: (Omit<LossCase, "logits" | "targets"> & { loss: "mse" | "l1" })[];
    };
  }>("losses.json");

  it.each(losses.crossEntropy.map((c) => [c.name, c] as const))(
    "crossEntropy matches F.cross_entropy: %s (value and gradient, 1e-5 relative)",
    (_, c) => {
      const logits = f32(c.logits);
      logits.requiresGrad = true;
      const { mask, ...rest } = c.options;
      const value = crossEntropy(logits, c.soft ? f32(c.targets) : i32(c.targets), {
        ...rest,
        ...(mask ? { mask: f32(mask) } : {}),
      });
      if (c.value === "NaN") expect(value.item()).toBeNaN();
      else expectClose(value, c.value, { ...float32, label: "loss" });
      if (c.grad !== undefined) {
        backward(value);
        expectClose(logits.grad as Tensor, c.grad, { ...float32, label: "dlogits" });
      }
    },
  );

  it.each(losses.regression.cases.map((c) => [`${c.loss} ${c.name}`, c] as const))(
    "%s matches PyTorch (value and gradient, 1e-5 relative)",
    (_, c) => {
      const prediction = f32(losses.regression.prediction);
      prediction.requiresGrad = true;
      const loss = c.loss === "mse" ? mseLoss : l1Loss;
      const { mask, ...rest } = c.options;
      const value = loss(prediction, f32(losses.regression.target), {
        ...rest,
        ...(mask ? { mask: f32(mask) } : {}),
      });
      expectClose(value, c.value as NestedArray, { ...float32, label: "loss" });
      if (c.grad !== undefined) {
        backward(value);
        expectClose(prediction.grad as Tensor, c.grad, { ...float32, label: "dprediction" });
      }
    },
  );
});

const hasTorch =
  spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

describe.skipIf(!hasTorch)(
  `to PyTorch: our checkpoint read back by torch_nn_fixtures.py --check${hasTorch ? "" : " (skipped: /usr/bin/python3 cannot import torch)"}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), "recurrent-nn-torch-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const g = new Generator(42);
    const model = new Sequential(
      new Linear(4, 8, { generator: g }),
      tanh,
      new Linear(8, 3, { generator: g }),
    );
    const table = new Embedding(6, 5, { generator: g });
    const x = g.normal([5, 4]);
    const ids = i32([0, 5, 2, 2, 1, 3]);
    const ours = `${dir}/ours.safetensors`;
    const back = `${dir}/torch.safetensors`;
    writeFileSync(
      ours,
      new Checkpoint({ purpose: "torch round trip" })
        .add("model", { tensors: model.stateDict() })
        .add("embedding", { tensors: table.stateDict() })
        .add("inputs", { tensors: { x, ids } })
        .toBytes(),
    );
    const run = spawnSync("/usr/bin/python3", [scriptPath, "--check", ours, "--out", back], {
      encoding: "utf8",
    });

    it("torch loads it strictly and sees exactly our weights", () => {
      expect(run.status, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as {
        metadata: Record<string, string>;
        state: Record<string, NestedArray>;
        dtypes: Record<string, string>;
      };
      expect(report.metadata.purpose).toBe("torch round trip");
      const expected = {
        ...prefixed("model", model.stateDict()),
        ...prefixed("embedding", table.stateDict()),
      };
      expect(Object.keys(report.state).sort()).toEqual(Object.keys(expected).sort());
      for (const [key, t] of Object.entries(expected)) {
        expect(report.dtypes[key], key).toBe("torch.float32");
        expectClose(t, report.state[key] as NestedArray, { rtol: 0, label: `${key} (exact)` });
      }
    });

    it("torch's forward pass on our weights matches ours (1e-5 relative)", () => {
      const report = JSON.parse(run.stdout) as { outputs: { y: NestedArray; e: NestedArray } };
      expectClose(model.forward(x), report.outputs.y, { ...float32, label: "Sequential output" });
      expectClose(table.forward(ids), report.outputs.e, { ...float32, label: "Embedding output" });
    });

    it("torch's state dict, saved by the script, loads back into ours exactly", () => {
      const { tensors } = loadSafetensors(new Uint8Array(readFileSync(back)));
      const fresh = new Sequential(
        new Linear(4, 8, { generator: g }),
        tanh,
        new Linear(8, 3, { generator: g }),
      );
      fresh.loadStateDict(unprefixed("model", tensors));
      for (const [key, t] of Object.entries(model.stateDict()))
        expectSameTensor(fresh.stateDict()[key], t, key);
      const freshTable = new Embedding(6, 5, { generator: g });
      freshTable.loadStateDict(unprefixed("embedding", tensors));
      expectSameTensor(freshTable.weight, table.weight, "embedding.weight");
      expectClose(fresh.forward(x), (tensors["outputs.y"] as Tensor).toArray(), {
        ...float32,
        label: "y",
      });
    });
  },
);

function prefixed(prefix: string, dict: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(dict).map(([k, v]) => [`${prefix}.${k}`, v]));
}

function unprefixed(prefix: string, dict: Record<string, Tensor>): Record<string, Tensor> {
  return Object.fromEntries(
    Object.entries(dict)
      .filter(([k]) => k.startsWith(`${prefix}.`))
      .map(([k, v]) => [k.slice(prefix.length + 1), v]),
  );
}
