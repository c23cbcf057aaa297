/**
 * Everything the commands touch outside their own memory, in one object, so
 * tests run the whole CLI in-process: where output goes and whether it is a
 * terminal, the working directory, Ctrl-C (and SIGTERM, SIGHUP), and the
 * clock.
 */
import { type StopSignal, stopSignals } from "./signals.js";

export interface Output {
  write(text: string): void;
  /** A terminal: progress bars redraw in place. Otherwise plain lines only. */
  readonly isTTY: boolean;
  readonly columns?: number;
  /** The underlying stream, for the progress bar when it is a terminal. */
  readonly stream?: NodeJS.WritableStream;
}

export interface TrainerIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Relative paths (config, --out, --plugin, data files) resolve against this. */
  readonly cwd: string;
  /** Call `handler` on Ctrl-C (SIGINT), SIGTERM or SIGHUP; returns a function that removes it. */
  onInterrupt(handler: (signal: StopSignal) => void): () => void;
  /**
   * End at once with `code`, without unwinding: a second Ctrl-C while a run
   * saves. The one way out of the process that bypasses `run`'s exit status,
   * so it lives here, at the boundary with the process, not in a command.
   */
  exitNow(code: number): never;
  /** Milliseconds, monotonic. */
  now(): number;
}

/** The real process: stdout, stderr, SIGINT, performance.now. */
export function processIo(cwd = process.cwd()): TrainerIo {
  // A closed pipe (`recurrent generate … | head`) is not an error of ours: stop writing quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      // EIO: the terminal was closed (SIGHUP); the run still saves its checkpoint.
      if (error.code !== "EPIPE" && error.code !== "EIO") throw error;
    });
  }
  const output = (stream: NodeJS.WriteStream): Output => ({
    write: (text) => {
      stream.write(text);
    },
    isTTY: stream.isTTY === true,
    ...(stream.columns === undefined ? {} : { columns: stream.columns }),
    stream,
  });
  return {
    stdout: output(process.stdout),
    stderr: output(process.stderr),
    cwd,
    onInterrupt(handler) {
      const listeners = stopSignals.map((signal) => {
        const listener = () => handler(signal);
        process.on(signal, listener);
        return [signal, listener] as const;
      });
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
    exitNow: (code) => process.exit(code),
    now: () => performance.now(),
  };
}

/** Thrown by a memory io's `exitNow`: a test sees the code instead of losing its process. */
export class ExitNow extends Error {
  override readonly name = "ExitNow";
  constructor(readonly code: number) {
    super(`exit now with code ${code}`);
  }
}

/** An io that records what is written: for tests. */
export interface MemoryIo extends TrainerIo {
  readonly out: () => string;
  readonly err: () => string;
  /** Simulate Ctrl-C (or another stop signal). */
  interrupt(signal?: StopSignal): void;
}

export function memoryIo(cwd: string): MemoryIo {
  let out = "";
  let err = "";
  const handlers = new Set<(signal: StopSignal) => void>();
  return {
    stdout: {
      write: (text) => {
        out += text;
      },
      isTTY: false,
    },
    stderr: {
      write: (text) => {
        err += text;
      },
      isTTY: false,
    },
    cwd,
    onInterrupt(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    exitNow: (code) => {
      throw new ExitNow(code);
    },
    now: () => performance.now(),
    out: () => out,
    err: () => err,
    interrupt: (signal = "SIGINT") => {
      for (const handler of [...handlers]) handler(signal);
    },
  };
}
