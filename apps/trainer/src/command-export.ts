/**
 * `recurrent export <run or checkpoint> --format onnx|pytorch`: a trained
 * model leaves the trainer, for ONNX Runtime (a .onnx file, the whole
 * sequence or one step with --step) or for PyTorch (a folder that continues
 * training, also on several processes or machines). Every flag is checked
 * before the run is opened.
 */
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describeOnnx, exportOnnx, OnnxExportError, type OnnxExportOptions } from "@recurrent/onnx";
import { TrainerError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import type { TrainerIo } from "./io.js";
import { writePytorchExport } from "./pytorch-export.js";
import { displayPath } from "./run-dir.js";
import { Session } from "./session.js";
import { type ConfigFlags, openRun } from "./setup.js";
import { savedData } from "./task.js";

export interface ExportFlags extends ConfigFlags {
  readonly format?: string;
  readonly out?: string;
  readonly step?: boolean;
  readonly batch?: string;
  readonly time?: string;
  readonly sequenceLens?: boolean;
  readonly plugin?: readonly string[];
  readonly config?: string;
}

const formats = ["onnx", "pytorch"] as const;

function axis(flag: string, value: string | undefined): number | "dynamic" {
  if (value === undefined || value === "dynamic") return "dynamic";
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new TrainerError(
      "USAGE",
      `--${flag}: expected a positive whole number or "dynamic", got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export async function exportCommand(
  target: string,
  flags: ExportFlags,
  io: TrainerIo,
): Promise<number> {
  const format = flags.format;
  if (!formats.some((known) => known === format)) {
    throw new TrainerError(
      "USAGE",
      `--format: expected ${formats.map((f) => `"${f}"`).join(" or ")}, got ${format === undefined ? "nothing" : JSON.stringify(format)}`,
    );
  }
  const onnxOptions: OnnxExportOptions = {
    step: flags.step === true,
    batch: axis("batch", flags.batch),
    time: axis("time", flags.time),
    sequenceLens: flags.sequenceLens === true,
  };
  if (format === "pytorch") {
    for (const flag of ["step", "batch", "time", "sequenceLens"] as const) {
      if (flags[flag] !== undefined) {
        throw new TrainerError(
          "USAGE",
          `--${flag === "sequenceLens" ? "sequence-lens" : flag}: only for --format onnx`,
        );
      }
    }
  }
  const {
    format: _f,
    out: _o,
    step: _s,
    batch: _b,
    time: _t,
    sequenceLens: _l,
    plugin,
    config,
    ...configFlags
  } = flags;
  const opened = await openRun(target, io, plugin ?? [], configFlags, config);
  const session = await Session.create(opened.config, opened.registry, {
    cwd: io.cwd,
    checkpoint: opened.checkpoint,
    plugins: opened.plugins,
  });
  const home = opened.dir?.path ?? dirname(opened.checkpointPath);
  const shown = (path: string) => displayPath(io.cwd, path);

  if (format === "pytorch") {
    const out = flags.out === undefined ? join(home, "pytorch") : resolve(io.cwd, flags.out);
    const written = writePytorchExport(session, out);
    io.stdout.write(
      `exported step ${session.step} to ${shown(out)}/: ${written.join(", ")}\n` +
        `  continue in PyTorch:  cd ${shown(out)} && python train.py --steps 100\n` +
        `  on 2 processes:       torchrun --nproc_per_node=2 train.py --steps 100\n` +
        `  back home:            recurrent import ${shown(join(out, "model.safetensors"))} --config ${shown(join(out, "recurrent.json"))} --optimizer ${shown(join(out, "optimizer.safetensors"))}\n`,
    );
    return 0;
  }

  const saved = savedData(session.task);
  let bytes: Uint8Array;
  try {
    bytes = exportOnnx(session.model, {
      ...onnxOptions,
      producerVersion: "recurrent-trainer",
      metadata: {
        "recurrent.config": JSON.stringify(session.config),
        "recurrent.step": String(session.step),
        ...(saved.tokenizer === undefined
          ? {}
          : { "recurrent.tokenizer": JSON.stringify(saved.tokenizer) }),
        ...(saved.scaler === undefined || saved.scaler === null
          ? {}
          : { "recurrent.scaler": JSON.stringify(saved.scaler) }),
      },
    });
  } catch (error) {
    if (error instanceof OnnxExportError) {
      const hint =
        error.code === "OPTIONS"
          ? " (on the command line: --batch 1 --time 64, or --step --batch 1)"
          : "";
      throw new TrainerError(
        error.code === "OPTIONS" ? "USAGE" : "UNSUPPORTED",
        `${error.message}${hint}`,
      );
    }
    throw error;
  }
  const out =
    flags.out === undefined
      ? join(home, flags.step ? "model-step.onnx" : "model.onnx")
      : resolve(io.cwd, flags.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, bytes);
  const { inputs, outputs } = describeOnnx(bytes);
  const list = (values: typeof inputs) =>
    values.map((v) => `${v.name} ${v.type} [${v.dims.join(", ")}]`).join(", ");
  io.stdout.write(
    `exported step ${session.step} to ${shown(out)} (${(bytes.length / 1024).toFixed(1)} KiB, ONNX opset 14)\n` +
      `  inputs   ${list(inputs)}\n  outputs  ${list(outputs)}\n`,
  );
  return 0;
}
