/**
 * One contestant of a note experiment: a raw config (a file under
 * configs/note/ plus the section's edits) trained under its budget and
 * evaluated, with no run directory (the note keeps numbers, not weights).
 * A run whose loss stops being finite is recorded as diverged at that step
 * rather than thrown: divergence is one of the note's results.
 */
import type { Dataset } from "@recurrent/data";
import type { Json, Registry } from "@recurrent/registry";
import { resolveConfig, type TrainerConfig } from "../config.js";
import type { Metrics } from "../evaluate.js";
import type { TrainerIo } from "../io.js";
import { parameterCount } from "../model.js";
import { Session } from "../session.js";
import { loadDataset } from "../task.js";

export interface TrainedRun {
  readonly config: TrainerConfig;
  readonly session: Session;
  readonly metrics: Metrics;
  readonly parameters: number;
  readonly steps: number;
  readonly wallSeconds: number;
  readonly tokensPerSecond: number;
  /** The step whose loss was not finite, or null. */
  readonly diverged: number | null;
  /** Largest global gradient norm seen (before clipping). */
  readonly maxGradNorm: number;
  /** Training loss every few steps: [step, loss]. */
  readonly curve: [number, number][];
}

/** Datasets by their config, loaded once per note run. */
export class DatasetCache {
  private readonly loaded = new Map<string, Dataset>();
  constructor(
    private readonly registry: Registry,
    private readonly cwd: string,
  ) {}

  async get(config: TrainerConfig): Promise<Dataset> {
    const key = JSON.stringify(config.data.dataset);
    let dataset = this.loaded.get(key);
    if (dataset === undefined) {
      dataset = await loadDataset(config, this.registry, this.cwd);
      this.loaded.set(key, dataset);
    }
    return dataset;
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface TrainLimits {
  /**
   * Stop after this much CPU time of this process (user + system), whichever
   * of it and the config's budget ends first. Unlike wall time it hardly
   * moves when other jobs share the machine.
   */
  readonly cpuSeconds?: number;
}

const cpuSecondsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

export async function trainOne(
  raw: Json,
  registry: Registry,
  io: TrainerIo,
  datasets: DatasetCache,
  plugins: readonly string[],
  limits: TrainLimits = {},
): Promise<TrainedRun> {
  const config = resolveConfig(raw, registry);
  const dataset = await datasets.get(config);
  const session = await Session.create(config, registry, { cwd: io.cwd, plugins, dataset });
  const { steps, minutes } = config.train;
  const budgetMs = minutes === null ? Number.POSITIVE_INFINITY : minutes * 60_000;
  const every = Math.max(1, Math.floor((steps ?? 1000) / 50));
  const curve: [number, number][] = [];
  const started = io.now();
  const cpuStart = cpuSecondsNow();
  const cpuBudget = limits.cpuSeconds ?? Number.POSITIVE_INFINITY;
  let diverged: number | null = null;
  let maxGradNorm = 0;
  while (
    (steps === null || session.step < steps) &&
    io.now() - started < budgetMs &&
    cpuSecondsNow() - cpuStart < cpuBudget
  ) {
    const result = session.trainStep();
    maxGradNorm = Math.max(
      maxGradNorm,
      Number.isFinite(result.gradNorm) ? result.gradNorm : Number.POSITIVE_INFINITY,
    );
    if (!Number.isFinite(result.loss)) {
      diverged = result.step;
      curve.push([result.step, Number.NaN]);
      break;
    }
    if (result.step % every === 0 || result.step === 1) curve.push([result.step, result.loss]);
    await yieldToEventLoop();
  }
  const wallSeconds = (io.now() - started) / 1000;
  const metrics = diverged === null ? session.evaluate("validation") : { loss: Number.NaN };
  return {
    config,
    session,
    metrics,
    parameters: parameterCount(session.model),
    steps: session.step,
    wallSeconds,
    tokensPerSecond: session.tokens / Math.max(wallSeconds, 1e-9),
    diverged,
    maxGradNorm,
    curve,
  };
}
