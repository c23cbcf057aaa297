/**
 * The `recurrent` command as a user runs it, in a child process (the
 * trainer's TypeScript sources through tsx, so no build is needed). It runs
 * in the trainer's directory, where tsx resolves: pass absolute paths.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const trainerDir = fileURLToPath(new URL("../../../trainer/", import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function recurrent(...args: string[]): Promise<CliRun> {
  const env = { ...process.env };
  delete env.VITEST; // a plain Node process, like a user's
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@recurrent/source", "src/main.ts", ...args],
    { cwd: trainerDir, stdio: ["ignore", "pipe", "pipe"], env },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
}
