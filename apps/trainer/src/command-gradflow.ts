/**
 * `recurrent gradflow`: the note's vanishing and exploding gradients, made
 * visible. For each cell (default: tanh RNN, relu RNN, LSTM, GRU) it
 * measures ‖∂L/∂h_t‖ over the steps of one held-out batch, L being the loss
 * at the last step: at initialisation, then after a short training run
 * without clipping and one with it (clipping cannot change a single
 * backward pass; what it changes is whether training survives the large
 * gradients). Printed as sparklines on one shared log scale, and drawn as
 * heatmaps in an HTML report.
 */
import { join } from "node:path";
import { takesSharedHidden } from "@recurrent/cells";
import type { Dataset } from "@recurrent/data";
import type { Json, Registry } from "@recurrent/registry";
import { capabilitiesOf } from "./cell-capabilities.js";
import { resolveConfig, type TrainerConfig } from "./config.js";
import { readConfigFile, setPath } from "./config-edit.js";
import { TrainerError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import {
  formatNorm,
  type GradFlowResult,
  logBounds,
  measureGradFlow,
  sparkline,
} from "./gradient-flow.js";
import type { TrainerIo } from "./io.js";
import { renderReport } from "./report.js";
import { displayPath, files, RunDir, timestamp } from "./run-dir.js";
import { Session } from "./session.js";
import { applyFlags, type ConfigFlags, registryWith } from "./setup.js";
import { loadDataset } from "./task.js";

export interface GradflowFlags extends ConfigFlags {
  readonly plugin?: readonly string[];
  readonly cells?: string;
  readonly length?: string;
  readonly batch?: string;
  readonly trainSteps?: string;
  readonly recurrentGain?: string;
  readonly out?: string;
}

/** Aliases for the two RNN activations; any other registered cell name is itself. */
function cellConfig(spec: string): Json {
  if (spec === "rnn-tanh") return { name: "rnn", nonlinearity: "tanh" };
  if (spec === "rnn-relu") return { name: "rnn", nonlinearity: "relu" };
  return { name: spec };
}

interface Variant {
  readonly label: string;
  readonly phase: string;
  readonly flow: GradFlowResult;
  /** Largest global gradient norm seen while training (before clipping). */
  readonly maxGradNorm: number | null;
  readonly loss: number | null;
  readonly diverged: number | null;
}

function whole(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new TrainerError(
      "USAGE",
      `--${flag}: expected a whole number >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

async function variantsOf(
  label: string,
  config: TrainerConfig,
  registry: Registry,
  io: TrainerIo,
  plugins: string[],
  dataset: Dataset,
  trainSteps: number,
  clip: number,
  probe: { length: number; batch: number },
): Promise<Variant[]> {
  const out: Variant[] = [];
  const measure = (session: Session) =>
    measureGradFlow(session.model, session.task, session.loss, probe);
  for (const [phase, clipValue] of [
    ["init", null],
    [`${trainSteps} steps`, null],
    [`${trainSteps} steps, clip ${clip}`, clip],
  ] as const) {
    const variantConfig = {
      ...config,
      train: { ...config.train, clip: clipValue },
    } as TrainerConfig;
    const session = await Session.create(variantConfig, registry, {
      cwd: io.cwd,
      plugins,
      dataset,
    });
    if (phase === "init") {
      out.push({
        label,
        phase,
        flow: measure(session),
        maxGradNorm: null,
        loss: null,
        diverged: null,
      });
      continue;
    }
    let maxGradNorm = 0;
    let loss = Number.NaN;
    let diverged: number | null = null;
    for (let i = 0; i < trainSteps; i++) {
      const step = session.trainStep();
      maxGradNorm = Math.max(
        maxGradNorm,
        Number.isFinite(step.gradNorm) ? step.gradNorm : Number.POSITIVE_INFINITY,
      );
      loss = step.loss;
      if (!Number.isFinite(step.loss)) {
        diverged = step.step;
        break;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    out.push({ label, phase, flow: measure(session), maxGradNorm, loss, diverged });
  }
  return out;
}

export async function gradflowCommand(
  configFile: string | undefined,
  flags: GradflowFlags,
  io: TrainerIo,
): Promise<number> {
  const { registry, plugins } = await registryWith(flags.plugin ?? [], io.cwd);
  const length = whole("length", flags.length, 64);
  const batch = whole("batch", flags.batch, 8);
  const trainSteps = whole("train-steps", flags.trainSteps, 30);
  const specs = (flags.cells ?? "rnn-tanh,rnn-relu,lstm,gru")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const base = applyFlags(
    configFile === undefined
      ? { model: { cell: { name: "lstm", hidden: 64 } }, train: { bptt: length } }
      : readConfigFile(configFile, io.cwd),
    flags,
    registry,
  );
  const baseConfig = resolveConfig(base, registry);
  const clip = baseConfig.train.clip ?? 1;
  const gain = flags.recurrentGain === undefined ? undefined : Number(flags.recurrentGain);
  if (gain !== undefined && !(gain > 0)) {
    throw new TrainerError(
      "USAGE",
      `--recurrent-gain: expected a number > 0, got ${JSON.stringify(flags.recurrentGain)}`,
    );
  }
  const hidden = ((base.model as Json).cell as Json).hidden;
  const configs = specs.map((spec) => {
    const raw = structuredClone(base);
    const cell = cellConfig(spec);
    // An unknown name fails here, with suggestions.
    const capabilities = capabilitiesOf(registry, cell.name as string);
    if (hidden !== undefined && takesSharedHidden(capabilities)) cell.hidden = hidden;
    setPath(raw, ["model", "cell"], cell);
    setPath(raw, ["model", "input"], "auto");
    if (gain !== undefined) {
      // Orthogonal W_hh times a gain: above 1, products of Jacobians can grow instead of shrink.
      for (const weight of capabilities.recurrentWeights)
        setPath(raw, ["model", "init", `*${weight}*`], { name: "orthogonal", gain });
    }
    return { spec, config: resolveConfig(raw, registry) };
  });
  const say = (text = "") => io.stdout.write(`${text}\n`);
  say(
    `gradient flow on ${baseConfig.data.dataset.name}: ‖∂L/∂h_t‖ for t = 0 … ${length - 1}, L = loss at the last step, ${batch} held-out rows; hidden ${hidden ?? "default"}, lr ${String(baseConfig.optimizer.lr ?? "default")}, W_hh ${gain === undefined ? "PyTorch's default init" : `orthogonal × ${gain}`}`,
  );
  say(
    `each cell: at initialisation, after ${trainSteps} steps without clipping, after ${trainSteps} steps with clipping at ${clip}\n`,
  );
  const dataset = await loadDataset(baseConfig, registry, io.cwd);
  const variants: Variant[] = [];
  for (const { spec, config } of configs) {
    io.stdout.write(`  measuring ${spec} …\n`);
    const probe = { length, batch };
    variants.push(
      ...(await variantsOf(spec, config, registry, io, plugins, dataset, trainSteps, clip, probe)),
    );
  }
  // One table, one log scale for every row, so magnitudes compare across cells.
  const rows = variants.flatMap((v) =>
    v.flow.norms.map((norms, i) => ({ v, layer: v.flow.rows[i] as string, norms })),
  );
  const [low, high] = logBounds(rows.map((r) => r.norms));
  const multiLayer = rows.some((r) => r.layer !== "layer 0");
  const labelWidth = Math.max(
    ...rows.map((r) => r.v.label.length + (multiLayer ? r.layer.length + 1 : 0)),
    5,
  );
  const phaseWidth = Math.max(...rows.map((r) => r.v.phase.length), 5);
  const spark = Math.min(40, length);
  say(
    `\n${"cell".padEnd(labelWidth)}  ${"phase".padEnd(phaseWidth)}  ${`t = 0 → ${length - 1}`.padEnd(spark)}  ${"‖∂L/∂h_0‖".padStart(9)}  ${`‖∂L/∂h_${length - 1}‖`.padStart(9)}  ${"max ‖∇θ‖".padStart(9)}  loss`,
  );
  for (const { v, layer, norms } of rows) {
    const name = multiLayer ? `${v.label} ${layer}` : v.label;
    const loss =
      v.diverged !== null
        ? `diverged at step ${v.diverged}`
        : v.loss === null
          ? `${v.flow.loss.toFixed(3)} (probe)`
          : v.loss.toFixed(3);
    say(
      `${name.padEnd(labelWidth)}  ${v.phase.padEnd(phaseWidth)}  ${sparkline(norms, low, high, spark).padEnd(spark)}  ${formatNorm(norms[0]).padStart(9)}  ${formatNorm(norms[norms.length - 1]).padStart(9)}  ${(v.maxGradNorm === null ? "–" : formatNorm(v.maxGradNorm)).padStart(9)}  ${loss}`,
    );
  }
  say(
    `\nscale: ▁ = 1e${low.toFixed(1)} … █ = 1e${high.toFixed(1)} (log10, shared); a blank means no gradient reached that step`,
  );

  const outPath = RunDir.resolve(io.cwd, flags.out ?? join("runs", `${timestamp()}-gradflow`)).path;
  RunDir.checkFree(outPath);
  const dir = RunDir.create(outPath);
  dir.writeJson(files.config, {
    config: baseConfig,
    cells: specs,
    length,
    batch,
    trainSteps,
    clip,
    plugins,
  });
  dir.writeJson(files.gradflow, variants);
  const phases = [...new Set(variants.map((v) => v.phase))];
  const html = renderReport({
    title: "gradient flow — recurrent",
    summary: [
      ["data", baseConfig.data.dataset.name],
      ["measured", `‖∂L/∂h_t‖, L = loss at the last of ${length} steps, ${batch} rows`],
      ["cells", specs.join(", ")],
      [
        "training",
        `${trainSteps} steps, optimizer ${JSON.stringify(baseConfig.optimizer)}, clip ${clip} where stated`,
      ],
    ],
    train: [],
    validation: [],
    metric: "loss",
    gradFlow: phases.map((phase) => {
      const ofPhase = variants.filter((v) => v.phase === phase);
      return {
        title: phase === "init" ? "at initialisation" : `after ${phase}`,
        rows: ofPhase.flatMap((v) =>
          v.flow.rows.map((r) => (multiLayer ? `${v.label} ${r}` : v.label)),
        ),
        norms: ofPhase.flatMap((v) => v.flow.norms),
      };
    }),
  });
  writeFileAtomic(dir.file(files.report), html);
  say(
    `report: ${displayPath(io.cwd, dir.file(files.report))} (heatmaps) · data: ${displayPath(io.cwd, dir.file(files.gradflow))}`,
  );
  return 0;
}
