/**
 * The real command in a child process: plain output when stdout is not a
 * terminal, and a real SIGINT (Ctrl-C) that ends the run cleanly with a
 * checkpoint, exit code 130.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tinyText, workspace, writeJson } from "./testing/fixtures.js";

const trainerDir = fileURLToPath(new URL("..", import.meta.url));

describe("the recurrent command in a child process", () => {
  it("prints plain lines when piped, and writes a checkpoint on SIGINT", async () => {
    const cwd = workspace();
    const config = tinyText({
      train: { steps: 100000, batchSize: 4, bptt: 12, evalEvery: 100000, checkpointEvery: 100000 },
    });
    config.data.dataset.path = join(cwd, "tiny.txt");
    writeJson(cwd, "long.json", config);
    const out = join(cwd, "run");
    const env = { ...process.env };
    delete env.VITEST; // the child is a plain Node process, like a user's
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--conditions=@recurrent/source",
        "src/main.ts",
        "train",
        join(cwd, "long.json"),
        "--out",
        out,
      ],
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
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const metrics = join(out, "metrics.jsonl");
    for (let i = 0; i < 600; i++) {
      if (existsSync(metrics) && readFileSync(metrics, "utf8").split("\n").length > 5) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill("SIGINT");
    const code = await exited;
    expect(stderr).toBe("");
    expect(code).toBe(130);
    expect(stdout).toContain("interrupted at step");
    expect(stdout).not.toContain("\u001b["); // no terminal escape codes in a pipe
    expect(readdirSync(join(out, "checkpoints"))).toHaveLength(1);
  }, 60_000);
});
