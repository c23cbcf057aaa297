/**
 * What the terminal shows while a model trains. On a terminal: one
 * cli-progress bar (step, loss, tokens per second, time left) that redraws
 * in place, with evaluation summaries and samples printed above it. Piped
 * or in CI: no bar, only a plain progress line now and then (every 10% or
 * 30 seconds), so a log file stays short.
 */
import { MultiBar, type SingleBar } from "cli-progress";
import type { TrainerIo } from "./io.js";

export interface ProgressInfo {
  readonly step: number;
  /** The step budget, when there is one. */
  readonly totalSteps: number | null;
  /** 0..1 of the whole budget (steps or time, whichever ends first). */
  readonly fraction: number;
  readonly loss: number;
  readonly tokensPerSecond: number;
  readonly secondsLeft: number;
}

export interface Reporter {
  update(info: ProgressInfo): void;
  /** A line for the user (evaluation summary, sample): above the bar, never torn by it. */
  log(text: string): void;
  stop(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "–";
  return perSecond >= 10000
    ? `${(perSecond / 1000).toFixed(1)}k`
    : Math.round(perSecond).toLocaleString("en-US");
}

function stepText(info: ProgressInfo): string {
  return info.totalSteps === null ? String(info.step) : `${info.step}/${info.totalSteps}`;
}

/** Plain lines, for logs and pipes. */
class PlainReporter implements Reporter {
  private lastTenth = 0;
  private lastTime: number;

  constructor(
    private readonly io: TrainerIo,
    private readonly everySeconds = 30,
  ) {
    this.lastTime = io.now();
  }

  update(info: ProgressInfo): void {
    const now = this.io.now();
    const tenth = Math.floor(info.fraction * 10);
    const due = tenth > this.lastTenth || (now - this.lastTime) / 1000 >= this.everySeconds;
    if (!due) return;
    this.lastTenth = tenth;
    this.lastTime = now;
    this.io.stdout.write(
      `step ${stepText(info)} (${Math.round(info.fraction * 100)}%) · loss ${info.loss.toFixed(4)} · ${formatRate(info.tokensPerSecond)} tok/s · ${formatDuration(info.secondsLeft)} left\n`,
    );
  }

  log(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  stop(): void {}
}

/** One redrawing bar on a terminal. */
class BarReporter implements Reporter {
  private readonly multi: MultiBar;
  private readonly bar: SingleBar;

  constructor(stream: NodeJS.WritableStream) {
    this.multi = new MultiBar({
      stream: stream as NodeJS.WriteStream,
      format: " {bar} {percentage}% · step {stepText} · loss {loss} · {rate} tok/s · {left} left",
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 8,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      autopadding: true,
    });
    this.bar = this.multi.create(1000, 0, { stepText: "0", loss: "–", rate: "–", left: "–" });
  }

  update(info: ProgressInfo): void {
    this.bar.update(Math.round(info.fraction * 1000), {
      stepText: stepText(info),
      loss: info.loss.toFixed(4),
      rate: formatRate(info.tokensPerSecond),
      left: formatDuration(info.secondsLeft),
    });
  }

  log(text: string): void {
    this.multi.log(`${text}\n`);
    this.multi.update(); // flush now: a buffered line would be lost if the bar stopped first
  }

  stop(): void {
    this.multi.update();
    this.multi.stop();
  }
}

/** Logs only: for many short runs in a row (compare), where progress lines would pile up. */
class QuietReporter implements Reporter {
  constructor(private readonly io: TrainerIo) {}
  update(): void {}
  log(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }
  stop(): void {}
}

/** A bar on a terminal; elsewhere plain lines now and then, or none when `quiet`. */
export function createReporter(io: TrainerIo, options: { quiet?: boolean } = {}): Reporter {
  const stream = io.stdout.stream;
  if (io.stdout.isTTY && stream !== undefined) return new BarReporter(stream);
  return options.quiet ? new QuietReporter(io) : new PlainReporter(io);
}
