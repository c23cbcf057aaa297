/**
 * Starts the scratch project's Vite dev server (default config) on 127.0.0.1
 * and returns its URL once it listens; `close` stops exactly that process.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";

export interface DevServer {
  readonly url: string;
  close(): Promise<void>;
}

export function startViteDevServer(
  projectDir: string,
  pageDir: string,
  extraArgs: string[] = [],
): Promise<DevServer> {
  const child = spawn(
    join(projectDir, "node_modules", ".bin", "vite"),
    ["--host", "127.0.0.1", "--port", "0", "--clearScreen", "false", ...extraArgs],
    { cwd: pageDir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`vite dev server did not start within 30 s:\n${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve({
        url: match[1],
        close: async () => {
          child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`vite dev server exited (${code}):\n${output}`));
    });
  });
}
