/**
 * The training loop around a session: budget (steps and/or minutes),
 * progress, evaluation, samples, checkpoints and Ctrl-C.
 *
 * Order within a step, chosen so a run split by a checkpoint and resumed
 * equals the uninterrupted one: train → log → periodic evaluation and
 * sample → periodic checkpoint. At the end: the final checkpoint, then (if
 * this step had none) a final evaluation, which changes nothing a resumed
 * run would see. Samples draw from a generator seeded by (seed, step), so
 * they need no saved state.
 *
 * The loop yields to the event loop after every step, so Ctrl-C (and
 * SIGTERM, SIGHUP: see signals.ts) is heard: the first one finishes the
 * step, writes a checkpoint and stops cleanly; a second one exits at once
 * (the last checkpoint on disk is whole either way: checkpoints are written
 * to a temporary file and renamed).
 */
import { Generator, tidy } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";
import { formatMetrics, type Metrics } from "./evaluate.js";
import type { TrainerIo } from "./io.js";
import { createReporter, type Reporter } from "./progress.js";
import type { RunDir } from "./run-dir.js";
import { sampleText } from "./sample.js";
import type { Session } from "./session.js";
import { describeSignal, exitCodeOf, type StopSignal } from "./signals.js";

export interface LoopResult {
  readonly interrupted: boolean;
  /** The signal that stopped the run early, if one did. */
  readonly signal: StopSignal | null;
  readonly checkpoint: string;
  /** The metrics of the final evaluation. */
  readonly metrics: Metrics;
  /** Wall time of this part of the run, ms. */
  readonly wallMs: number;
  /** Steps and tokens of this part. */
  readonly steps: number;
  readonly tokens: number;
}

export interface LoopOptions {
  readonly reporter?: Reporter;
  /** Print samples at evaluations (language models). Default true. */
  readonly samples?: boolean;
  /** Print a summary line at each evaluation. Default true. */
  readonly summaries?: boolean;
}

/** The generator of the samples drawn at `step`: deterministic, and no state to save. */
export function sampleGenerator(seed: number, step: number): Generator {
  return new Generator(((seed * 1_000_003) ^ (step * 7919)) >>> 0);
}

/** Draw the configured samples at `step` (language models only). */
export function drawSamples(session: Session, step: number): string[] {
  const { task, config } = session;
  if (task.kind !== "language-model" || config.eval.sampleLength === 0) return [];
  const generator = sampleGenerator(config.train.seed, step);
  const count = Math.max(config.eval.samples, 0);
  return Array.from({ length: count }, () =>
    sampleText(session.model, task, {
      prefix: config.eval.samplePrefix,
      length: config.eval.sampleLength,
      temperature: config.eval.temperature,
      topK: config.eval.topK,
      greedy: false,
      generator,
    }),
  );
}

/** One sample as the terminal shows it: quoted, newlines kept readable, indented. */
export function showSample(text: string, indent = "  "): string {
  const lines = text.replace(/\r/g, "").split("\n");
  return lines.map((line) => `${indent}│ ${line}`).join("\n");
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainLoop(
  session: Session,
  dir: RunDir,
  io: TrainerIo,
  options: LoopOptions = {},
): Promise<LoopResult> {
  const { steps, minutes, evalEvery, checkpointEvery, keepCheckpoints } = session.config.train;
  const budgetMs = minutes === null ? Number.POSITIVE_INFINITY : minutes * 60_000;
  const reporter = options.reporter ?? createReporter(io);
  const showSamples = options.samples ?? true;
  const showSummaries = options.summaries ?? true;
  let interrupts = 0;
  let stopSignal: StopSignal | null = null;
  const removeInterrupt = io.onInterrupt((signal) => {
    interrupts += 1;
    stopSignal ??= signal;
    if (interrupts > 1) {
      reporter.stop();
      io.stderr.write(
        `\nsecond ${describeSignal(signal)}: exiting now (the last checkpoint on disk is intact)\n`,
      );
      io.exitNow(exitCodeOf(signal));
    }
  });
  const startStep = session.step;
  const startTokens = session.tokens;
  const startElapsed = session.elapsedMs;
  const wallStart = io.now();
  let lastCheckpoint = "";
  let checkpointStep = -1;
  let evaluatedStep = -1;
  let metrics: Metrics = {};
  let recentRate = 0;

  const evaluateNow = (final: boolean) => {
    metrics = session.evaluate("validation", !final);
    evaluatedStep = session.step;
    const elapsed = session.elapsedMs / 1000;
    // A final evaluation is extra to the schedule: a resumed run drops it (see truncateMetrics).
    const tag = final ? { final: true } : {};
    dir.appendMetric({
      type: "eval",
      split: "validation",
      step: session.step,
      ...metrics,
      elapsed,
      ...tag,
    });
    if (showSummaries) {
      reporter.log(`step ${session.step} · validation ${formatMetrics(session.task, metrics)}`);
    }
    for (const text of drawSamples(session, session.step)) {
      dir.appendMetric({ type: "sample", step: session.step, text, ...tag });
      if (showSamples) reporter.log(showSample(text));
    }
  };
  const checkpointNow = () => {
    // The checkpoint's copies of the optimizer state are freed once written: a
    // model near the memory limit would otherwise hold two checkpoints' worth.
    lastCheckpoint = tidy(() =>
      dir.writeCheckpoint(session.toCheckpoint(), session.step, keepCheckpoints),
    );
    checkpointStep = session.step;
  };

  try {
    for (;;) {
      if (interrupts > 0) break;
      if (steps !== null && session.step >= steps) break;
      if (session.elapsedMs >= budgetMs) break;
      const before = io.now();
      const result = session.trainStep();
      const after = io.now();
      session.elapsedMs = startElapsed + (after - wallStart);
      if (!Number.isFinite(result.loss)) {
        throw new TrainerError(
          "DIVERGED",
          `training diverged: the loss is ${result.loss} at step ${result.step} (gradient norm ${result.gradNorm}); lower optimizer.lr or set train.clip${checkpointStep >= 0 ? `; the checkpoint of step ${checkpointStep} is kept` : ""}`,
        );
      }
      const rate = result.tokens / Math.max((after - before) / 1000, 1e-9);
      recentRate = recentRate === 0 ? rate : 0.9 * recentRate + 0.1 * rate;
      dir.appendMetric({
        type: "train",
        step: result.step,
        epoch: result.epoch,
        loss: result.loss,
        gradNorm: result.gradNorm,
        lr: result.lr,
        tokens: result.tokens,
        tokensPerSecond: rate,
        elapsed: session.elapsedMs / 1000,
      });
      const done = session.step - startStep;
      const perStep = (session.elapsedMs - startElapsed) / 1000 / Math.max(done, 1);
      const stepsLeft =
        steps === null ? Number.POSITIVE_INFINITY : (steps - session.step) * perStep;
      const timeLeft = (budgetMs - session.elapsedMs) / 1000;
      reporter.update({
        step: session.step,
        totalSteps: steps,
        fraction: Math.min(
          1,
          Math.max(steps === null ? 0 : session.step / steps, session.elapsedMs / budgetMs),
        ),
        loss: result.loss,
        tokensPerSecond: recentRate,
        secondsLeft: Math.min(stepsLeft, timeLeft),
      });
      if (session.step % evalEvery === 0) evaluateNow(false);
      if (session.step % checkpointEvery === 0) checkpointNow();
      await yieldToEventLoop();
      session.elapsedMs = startElapsed + (io.now() - wallStart);
    }
    if (checkpointStep !== session.step) checkpointNow();
    if (evaluatedStep !== session.step && interrupts === 0) evaluateNow(true);
  } finally {
    reporter.stop();
    removeInterrupt();
  }
  return {
    interrupted: interrupts > 0,
    signal: stopSignal,
    checkpoint: lastCheckpoint,
    metrics,
    wallMs: io.now() - wallStart,
    steps: session.step - startStep,
    tokens: session.tokens - startTokens,
  };
}
