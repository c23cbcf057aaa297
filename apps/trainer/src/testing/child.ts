/**
 * Test support (not shipped): the real `recurrent` command in a child
 * process (tsx on the sources, as a user's plain Node process), with its
 * output collected and helpers to wait for progress and send signals.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const trainerDir = fileURLToPath(new URL("../..", import.meta.url));
/** tsx's loader, found from here: the child's working directory is the test's own. */
const tsxLoader = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/loader.mjs"),
).href;

/** The environment of a child: a plain Node process, like a user's, not a package script's. */
export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.VITEST;
  delete env.npm_lifecycle_event;
  delete env.INIT_CWD;
  return env;
}

/** The arguments that run the command from its sources. */
export const cliEntry = [
  "--import",
  tsxLoader,
  "--conditions=@recurrent/source",
  `${trainerDir}src/main.ts`,
];

export interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves to the exit code (or 128 + n for a signal that killed it). */
  readonly exited: Promise<number>;
}

export function spawnCli(cwd: string, ...argv: string[]): Child {
  const env = childEnv();
  const child = spawn(process.execPath, [...cliEntry, ...argv], {
    cwd,
    stdio: ["pipe", "pipe", "pipe"],
    env,
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number>((resolve) =>
    child.on("exit", (code, signal) =>
      resolve(code ?? (signal === null ? -1 : 128 + constants.signals[signal])),
    ),
  );
  return {
    process: child,
    pid: child.pid as number,
    stdout: () => out,
    stderr: () => err,
    exited,
  };
}

/** Wait until `metrics` has more than `lines` lines (the run is training), up to 60 s. */
export async function waitForMetrics(metrics: string, lines: number): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (existsSync(metrics) && readFileSync(metrics, "utf8").split("\n").length > lines) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${metrics} did not reach ${lines} lines in 60 s`);
}

/** Run the CLI as a child to the end. */
export async function runCli(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  const child = spawnCli(cwd, ...argv);
  child.process.stdin.end();
  const code = await child.exited;
  return { code, out: child.stdout(), err: child.stderr() };
}
