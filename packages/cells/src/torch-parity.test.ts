/**
 * rnn (tanh, relu), lstm and gru against PyTorch 1.13, both ways.
 *
 * From PyTorch: fixtures/<kind>.safetensors were written by
 * scripts/torch_cells_fixtures.py (/usr/bin/python3, Debian's python3-torch):
 * 16 cases per kind (1 and 2 layers, uni- and bidirectional, with and without
 * a length mask, batch-first or not). Each case's weights load into a
 * `Recurrent` by their PyTorch names, strictly; outputs, final states and the
 * gradients of every parameter, of the input and of the initial state must
 * match, on the fused path (the default) and on the path derived from the
 * cell's step (compile/) for every case, and on the step
 * path for the two-layer bidirectional masked ones (compile/derived.test.ts and
 * recurrent.test.ts hold the two paths equal elsewhere). PyTorch ran the masked
 * cases on pack_padded_sequence(enforce_sorted=False); we run a [T, B] mask
 * built from the same lengths.
 *
 * To PyTorch: a state dict saved by our saveSafetensors loads into torch
 * (strict) through the script's --check mode, and torch's forward pass on it
 * matches ours. Skipped, with the reason in the title, when torch is absent.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backward, requireGrad } from "@recurrent/autograd";
import { saveSafetensors } from "@recurrent/nn";
import { add, Generator, mul, sum, type Tensor, tensor } from "@recurrent/tensor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cell, createCell } from "./cell.js";
import { gru } from "./cells/gru.js";
import { lstm } from "./cells/lstm.js";
import { rnn } from "./cells/rnn.js";
import { Recurrent } from "./recurrent.js";
import { readFixture, scriptPath } from "./testing/fixtures.js";
import { expectClose } from "./testing/helpers.js";

/** float32 on both sides, different summation orders: 1e-5 relative, plus 1e-6 absolute near zero. */
const float32 = { rtol: 1e-5, atol: 1e-6 };

interface CaseInfo {
  name: string;
  layers: number;
  bidirectional: boolean;
  masked: boolean;
  batchFirst: boolean;
}

const kinds: { file: string; cell: () => Cell; hasC: boolean }[] = [
  {
    file: "rnn_tanh",
    cell: () => createCell(rnn, { hidden: 3, nonlinearity: "tanh" }),
    hasC: false,
  },
  {
    file: "rnn_relu",
    cell: () => createCell(rnn, { hidden: 3, nonlinearity: "relu" }),
    hasC: false,
  },
  { file: "lstm", cell: () => createCell(lstm, { hidden: 3 }), hasC: true },
  { file: "gru", cell: () => createCell(gru, { hidden: 3 }), hasC: false },
];

/** A fresh float32 copy (a new leaf, so gradients never accumulate across tests). */
function copy(t: Tensor): Tensor {
  return tensor(t.toTypedArray(), { shape: t.shape, dtype: t.dtype });
}

/** Right-padded lengths as a 1/0 mask: [time, batch], or [batch, time] when batch-first. */
function maskOf(lengths: Tensor, time: number, batchFirst: boolean): Tensor {
  const l = Array.from(lengths.data());
  const batch = l.length;
  const values: number[] = [];
  if (batchFirst) {
    for (let b = 0; b < batch; b++)
      for (let t = 0; t < time; t++) values.push(t < (l[b] as number) ? 1 : 0);
    return tensor(values, { shape: [batch, time] });
  }
  for (let t = 0; t < time; t++)
    for (let b = 0; b < batch; b++) values.push(t < (l[b] as number) ? 1 : 0);
  return tensor(values, { shape: [time, batch] });
}

/** The step path too where it matters most: two layers, both directions, masked. */
const stepCases = new Set(["l2-bi-mask-tf", "l2-bi-mask-bf"]);

type Fixture = ReturnType<typeof readFixture>;

/**
 * Load case `c` of a fixture file into a `Recurrent` of `cell` (strictly, by
 * PyTorch's names), run it (fused or step path; padding given as a mask or as
 * lengths) and compare outputs, final states and every gradient.
 */
function checkCase(
  fixture: Fixture,
  c: CaseInfo,
  cell: Cell,
  hasC: boolean,
  run: { fused: boolean | "derived"; padding: "mask" | "lengths" },
): void {
  const { tensors, metadata } = fixture;
  const config = JSON.parse(metadata.config as string) as { input: number; time: number };
  const at = (key: string) => {
    const t = tensors[`${c.name}/${key}`];
    if (t === undefined) throw new Error(`fixture: no ${c.name}/${key}`);
    return t;
  };
  const model = new Recurrent(cell, {
    inputSize: config.input,
    numLayers: c.layers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    fused: run.fused,
    seed: 7,
  });
  const prefix = `${c.name}.`;
  const weights = Object.fromEntries(
    Object.entries(tensors)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  model.loadStateDict(weights); // strict: PyTorch's names and shapes, exactly
  const x = requireGrad(copy(at("input")));
  const h0 = requireGrad(copy(at("h0")));
  const c0 = hasC ? requireGrad(copy(at("c0"))) : null;
  // PyTorch ran masked cases on pack_padded_sequence(lengths, enforce_sorted=False).
  const padding = !c.masked
    ? {}
    : run.padding === "mask"
      ? { mask: maskOf(at("lengths"), config.time, c.batchFirst) }
      : { lengths: Int32Array.from(at("lengths").data()), enforceSorted: false };
  const { output, state } = model.forward(x, {
    state: c0 === null ? { h: h0 } : { h: h0, c: c0 },
    ...padding,
  });
  let loss = add(
    sum(mul(output, at("probe.output"))),
    sum(mul(state.h as Tensor, at("probe.h_n"))),
  );
  if (hasC) loss = add(loss, sum(mul(state.c as Tensor, at("probe.c_n"))));
  backward(loss);

  expectClose(output, at("output"), { ...float32, label: "output" }); // 1e-5 relative
  expectClose(state.h as Tensor, at("h_n"), { ...float32, label: "h_n" }); // 1e-5 relative
  if (hasC) expectClose(state.c as Tensor, at("c_n"), { ...float32, label: "c_n" }); // 1e-5 relative
  const named = model.namedParameters();
  expect(named.map(([name]) => name).sort()).toEqual(Object.keys(weights).sort());
  for (const [name, parameter] of named) {
    // 1e-5 relative: every parameter's gradient
    expectClose(parameter.grad as Tensor, at(`grad.${name}`), {
      ...float32,
      label: `grad ${name}`,
    });
  }
  expectClose(x.grad as Tensor, at("grad.input"), { ...float32, label: "grad input" }); // 1e-5 relative
  expectClose(h0.grad as Tensor, at("grad.h0"), { ...float32, label: "grad h0" }); // 1e-5 relative
  if (c0 !== null) expectClose(c0.grad as Tensor, at("grad.c0"), { ...float32, label: "grad c0" }); // 1e-5 relative
}

describe.each(kinds)("$file matches PyTorch 1.13 (its fixture file)", (kind) => {
  const fixture = readFixture(`${kind.file}.safetensors`);
  const cases = JSON.parse(fixture.metadata.cases as string) as CaseInfo[];

  it("holds 16 cases", () => {
    expect(cases).toHaveLength(16);
  });

  describe.each(cases.map((c) => ({ ...c, label: c.name })))("$label", (c) => {
    const paths = [
      ["fused", true] as const,
      ["derived", "derived"] as const,
      ...(stepCases.has(c.name) ? [["step", false] as const] : []),
    ];
    it.each(paths)("%s path: outputs, final state and every gradient", (_, fused) => {
      checkCase(fixture, c, kind.cell(), kind.hasC, { fused, padding: "mask" });
    });
    if (c.masked) {
      it("lengths (unsorted, enforceSorted: false) in place of the mask", () => {
        checkCase(fixture, c, kind.cell(), kind.hasC, { fused: true, padding: "lengths" });
      });
    }
  });
});

describe("PyTorch's bias=False and LSTM proj_size (fixtures/options.safetensors)", () => {
  const fixture = readFixture("options.safetensors");
  const cases = JSON.parse(fixture.metadata.cases as string) as (CaseInfo & {
    kind: string;
    bias: boolean;
    projSize: number;
  })[];
  const cellOf = (c: (typeof cases)[number]): Cell => {
    const bias = { bias: c.bias };
    if (c.kind === "lstm") return createCell(lstm, { hidden: 3, ...bias, projSize: c.projSize });
    if (c.kind === "gru") return createCell(gru, { hidden: 3, ...bias });
    const nonlinearity = c.kind === "rnn_relu" ? "relu" : "tanh";
    return createCell(rnn, { hidden: 3, nonlinearity, ...bias });
  };

  it("holds 12 cases", () => {
    expect(cases).toHaveLength(12);
  });

  describe.each(cases.map((c) => ({ ...c, label: c.name })))("$label", (c) => {
    it.each([
      ["fused", true],
      ["step", false],
    ] as const)("%s path: loads strictly; outputs, final state and every gradient", (_, fused) => {
      checkCase(fixture, c, cellOf(c), c.kind === "lstm", { fused, padding: "mask" });
    });
  });
});

// Finding torch without importing it (an import takes seconds here); if it is
// found but broken, the --check run below fails loudly rather than skipping.
const hasTorch =
  spawnSync(
    "/usr/bin/python3",
    ["-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"],
    { stdio: "ignore" },
  ).status === 0;

describe.skipIf(!hasTorch)(
  `to PyTorch: our state dicts load into torch through torch_cells_fixtures.py --check${hasTorch ? "" : " (skipped: /usr/bin/python3 cannot import torch)"}`,
  () => {
    let dir = "";
    afterAll(() => {
      if (dir !== "") rmSync(dir, { recursive: true, force: true });
    });
    const jobs = [
      { name: "rnn_tanh", mode: "RNN", cell: kinds[0] },
      { name: "rnn_relu", mode: "RNN", cell: kinds[1] },
      { name: "lstm", mode: "LSTM", cell: kinds[2] },
      { name: "gru", mode: "GRU", cell: kinds[3] },
    ].map(({ name, mode, cell }, i) => {
      const model = new Recurrent((cell as (typeof kinds)[number]).cell(), {
        inputSize: 4,
        numLayers: 2,
        bidirectional: true,
        batchFirst: true,
        seed: 11 + i,
      });
      const g = new Generator(20 + i);
      const x = g.normal([3, 6, 4]); // [batch, time, input]
      const lengths = tensor([6, 2, 4], { dtype: "int32" });
      const ours = model.forward(x, { mask: maskOf(lengths, 6, true) });
      const config = {
        mode,
        input: 4,
        hidden: 3,
        layers: 2,
        bidirectional: true,
        batchFirst: true,
        nonlinearity: name === "rnn_relu" ? "relu" : "tanh",
      };
      return { name, model, ours, x, lengths, config };
    });

    let report: Record<string, { keys: string[]; output: number[]; h_n: number[]; c_n?: number[] }>;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "recurrent-cells-torch-"));
      const list = jobs.map(({ name, model, x, lengths, config }) => {
        // Exactly what a user saves: the state dict through nn's safetensors writer.
        const weights = join(dir, `${name}.weights.safetensors`);
        const inputs = join(dir, `${name}.inputs.safetensors`);
        writeFileSync(weights, saveSafetensors(model.stateDict()));
        writeFileSync(inputs, saveSafetensors({ input: x, lengths }));
        return { name, weights, inputs, config };
      });
      const jobsPath = join(dir, "jobs.json");
      writeFileSync(jobsPath, JSON.stringify(list));
      const { status, stdout, stderr } = await run("/usr/bin/python3", [
        scriptPath,
        "--check",
        jobsPath,
      ]);
      expect(status, stderr).toBe(0);
      report = JSON.parse(stdout);
    }, 60_000);

    it.each(jobs.map((j) => [j.name, j] as const))(
      "%s (2 layers, bidirectional, batch-first, masked): torch loads it strictly and computes our outputs",
      (name, { model, ours }) => {
        const got = report[name];
        if (got === undefined) throw new Error(`no report for ${name}`);
        expect(got.keys).toEqual(Object.keys(model.stateDict()));
        const flat = (v: unknown) => (v as number[]).flat(3) as number[];
        expectClose(ours.output, flat(got.output), { ...float32, label: "output" }); // 1e-5 relative
        expectClose(ours.state.h as Tensor, flat(got.h_n), { ...float32, label: "h_n" }); // 1e-5 relative
        if (got.c_n !== undefined)
          expectClose(ours.state.c as Tensor, flat(got.c_n), { ...float32, label: "c_n" }); // 1e-5 relative
      },
    );
  },
);

/** Run a process without blocking the worker (torch takes seconds to import). */
function run(
  command: string,
  args: string[],
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
