/**
 * Faults, for real: signals sent to a real child process, two real
 * processes on one run directory, a real full filesystem (a 2 MB tmpfs,
 * where this machine lets us mount one), and leftovers of killed writes.
 * Each test states the guarantee it holds (the README's "The run
 * directory" lists them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { injectChunkWriter } from "./files.js";
import { childEnv, cliEntry, spawnCli, waitForMetrics } from "./testing/child.js";
import { cli, tinyText, workspace, writeJson } from "./testing/fixtures.js";

const cwd = workspace();
/** A run long enough to be stopped in the middle. */
writeJson(
  cwd,
  "long.json",
  tinyText({
    train: { steps: 100000, batchSize: 4, bptt: 12, evalEvery: 100000, checkpointEvery: 100000 },
  }),
);

const checkpointsOf = (run: string) => readdirSync(join(cwd, run, "checkpoints")).sort();
const linesOf = (path: string) => readFileSync(path, "utf8").split("\n").filter(Boolean);

describe("SIGTERM and SIGHUP are treated like Ctrl-C", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)(
    "%s: finishes the step, writes a checkpoint, exits %i, and the run resumes",
    async (signal, code) => {
      const run = `by-${signal}`;
      const child = spawnCli(cwd, "train", "long.json", "--out", run);
      await waitForMetrics(join(cwd, run, "metrics.jsonl"), 5);
      child.process.kill(signal);
      expect(await child.exited).toBe(code);
      expect(child.stdout()).toMatch(
        new RegExp(`interrupted at step \\d+ by ${signal}: checkpoint written`),
      );
      const [checkpoint] = checkpointsOf(run);
      expect(checkpoint).toMatch(/^step-\d{6}\.safetensors$/);
      const step = Number(/\d+/.exec(checkpoint as string)?.[0]);
      expect(step).toBeGreaterThan(0);
      expect(existsSync(join(cwd, run, "run.lock"))).toBe(false);
      const resumed = await cli(cwd, "resume", run, "--steps", String(step + 2));
      expect(resumed.err).toBe("");
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain(`at step ${step}`);
    },
    90_000,
  );
});

describe("one process per run directory", () => {
  it("refuses a second process while the first trains, naming its pid; nothing of the run changes", async () => {
    const child = spawnCli(cwd, "train", "long.json", "--out", "busy");
    const metrics = join(cwd, "busy", "metrics.jsonl");
    await waitForMetrics(metrics, 3);
    const lock = JSON.parse(readFileSync(join(cwd, "busy", "run.lock"), "utf8"));
    expect(lock.pid).toBe(child.pid);
    // A second real process: `resume` on the same directory (it has a checkpoint by now? not
    // necessarily, so give it the config route too) and `train --out` onto it.
    const config = readFileSync(join(cwd, "busy", "config.json"), "utf8");
    const second = spawnSync(process.execPath, [...cliEntry, "resume", "busy"], {
      cwd,
      encoding: "utf8",
      env: childEnv(),
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`is in use by process ${child.pid}`);
    expect(readFileSync(join(cwd, "busy", "config.json"), "utf8")).toBe(config);
    child.process.kill("SIGINT");
    expect(await child.exited).toBe(130);
    // Every step logged once, by the one process that trained.
    const steps = linesOf(metrics)
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === "train")
      .map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(existsSync(join(cwd, "busy", "run.lock"))).toBe(false);
  }, 90_000);

  it("compare holds the lock of its directory while it runs, and lets it go when stopped", async () => {
    const child = spawnCli(cwd, "compare", "long.json", "--cells", "rnn", "--out", "comparing");
    await waitForMetrics(join(cwd, "comparing", "rnn", "metrics.jsonl"), 3);
    const lock = JSON.parse(readFileSync(join(cwd, "comparing", "run.lock"), "utf8"));
    expect([lock.pid, lock.command]).toEqual([child.pid, "compare"]);
    child.process.kill("SIGINT");
    expect(await child.exited).toBe(130);
    expect(existsSync(join(cwd, "comparing", "run.lock"))).toBe(false);
  }, 90_000);

  it("takes over a stale lock whose process is gone, and says so", async () => {
    const first = await cli(cwd, "train", "tiny.json", "--out", "stale", "--steps", "4");
    expect(first.code).toBe(0);
    // A pid that surely ran and ended: a child that has exited.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    writeFileSync(
      join(cwd, "stale", "run.lock"),
      JSON.stringify({
        pid: gone,
        host: (await import("node:os")).hostname(),
        started: "x",
        command: "train",
      }),
    );
    const resumed = await cli(cwd, "resume", "stale", "--steps", "6");
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain(`removed the stale lock of process ${gone}`);
    expect(existsSync(join(cwd, "stale", "run.lock"))).toBe(false);
  });

  it("removes the temporaries of killed writes on start, and keeps every checkpoint", async () => {
    const first = await cli(cwd, "train", "tiny.json", "--out", "leftovers", "--steps", "4");
    expect(first.code).toBe(0);
    const dir = join(cwd, "leftovers", "checkpoints");
    const torn = join(dir, ".step-000008.safetensors.99999.3.tmp");
    writeFileSync(torn, new Uint8Array(50_000));
    writeFileSync(join(cwd, "leftovers", ".config.json.99999.4.tmp"), "{");
    const resumed = await cli(cwd, "resume", "leftovers", "--steps", "6");
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain("removed 2 temporary file(s) of interrupted writes");
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(readdirSync(join(cwd, "leftovers")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});

describe("a run killed before its first checkpoint", () => {
  it("SIGKILL leaves config.json and no checkpoint; resume starts it again from step 0", async () => {
    const child = spawnCli(cwd, "train", "long.json", "--out", "killed-early");
    await waitForMetrics(join(cwd, "killed-early", "metrics.jsonl"), 3);
    child.process.kill("SIGKILL");
    expect(await child.exited).toBe(137);
    expect(checkpointsOf("killed-early")).toEqual([]);
    expect(existsSync(join(cwd, "killed-early", "run.lock"))).toBe(true); // its owner is dead
    const resumed = await cli(cwd, "resume", "killed-early", "--steps", "5");
    expect(resumed.err).toContain("removed the stale lock of process");
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(
      "stopped before its first checkpoint: starting it again from step 0",
    );
    const steps = linesOf(join(cwd, "killed-early", "metrics.jsonl"))
      .map((l) => JSON.parse(l))
      .filter((r) => r.type === "train")
      .map((r) => r.step);
    expect(steps).toEqual([1, 2, 3, 4, 5]);
  }, 90_000);
});

describe("the README's ways of calling the command", () => {
  it("`pnpm --filter @recurrent/trainer dev -- <command>`: a leading -- is dropped", async () => {
    const child = spawnCli(cwd, "--", "list", "--kind", "optimizer");
    child.process.stdin.end();
    expect(await child.exited).toBe(0);
    expect(child.stderr()).toBe("");
    expect(child.stdout()).toContain("adam — ");
  }, 60_000);

  it("`pnpm recurrent <command>` from a subdirectory of the repository: the root script runs the bin there", () => {
    const repository = join(import.meta.dirname, "..", "..", "..");
    const subdirectory = join(repository, "examples");
    const result = spawnSync("pnpm", ["--silent", "recurrent", "list", "--kind", "schedule"], {
      cwd: subdirectory,
      encoding: "utf8",
      env: childEnv(),
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^schedule — /);
    const bin = JSON.parse(
      readFileSync(join(repository, "apps", "trainer", "package.json"), "utf8"),
    ).bin;
    expect(bin).toEqual({ recurrent: "./dist/main.js" });
  }, 180_000);
});

/** Mount a tmpfs of `size` at a fresh directory; null where mounting is not permitted. */
function mountSmallDisk(size: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), "recurrent-small-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}

describe("a full disk", () => {
  const disk = mountSmallDisk("2m");
  afterAll(() => {
    if (disk !== null) {
      spawnSync("umount", [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });
  // hidden 150: a checkpoint (weights and two Adam moments) is about 1.2 MB, so one fits in 2 MB and two do not.
  const args = ["tiny.json", "--hidden", "150", "--steps", "8", "--checkpoint-every", "4"];

  it(`stops with a clear error, keeps the previous checkpoint whole and leaves no temporary file (${disk === null ? "injected short write: mounting a tmpfs is not permitted here" : "a real 2 MB tmpfs"})`, async () => {
    let out: string;
    let code: number;
    let err: string;
    if (disk !== null) {
      console.info("full disk: a real 2 MB tmpfs");
      out = join(disk, "run");
      const child = spawnCli(
        cwd,
        "train",
        ...args,
        "--set",
        "train.keepCheckpoints=1",
        "--out",
        out,
      );
      child.process.stdin.end();
      code = await child.exited;
      err = child.stderr();
    } else {
      console.info("full disk: mounting a tmpfs is not permitted here; injected short writes");
      out = join(cwd, "injected-full");
      let budget = 1_500_000; // bytes the "disk" takes before it is full
      const restore = injectChunkWriter((fd, data, offset, length) => {
        const n = Math.min(length, budget);
        budget -= n;
        return n === 0 ? 0 : writeSync(fd, data, offset, n, null);
      });
      try {
        const result = await cli(
          cwd,
          "train",
          ...args,
          "--set",
          "train.keepCheckpoints=1",
          "--out",
          out,
        );
        code = result.code;
        err = result.err;
      } finally {
        restore();
      }
    }
    expect(code).toBe(1);
    expect(err).toMatch(
      /error: no space left on the device of .*step-000008\.safetensors \(needed 1\.\d MB\)/,
    );
    const names = readdirSync(join(out, "checkpoints"));
    expect(names).toEqual(["step-000004.safetensors"]); // not deleted for a newer one that never landed
    expect(readdirSync(out).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    // The kept checkpoint is whole: it loads (its checksums verify) and evaluates.
    const evaluated = await cli(cwd, "eval", join(out, "checkpoints", "step-000004.safetensors"));
    expect(evaluated.err).toBe("");
    expect(evaluated.out).toMatch(/^step 4 · validation/);
    expect(statSync(join(out, "checkpoints", "step-000004.safetensors")).size).toBeGreaterThan(
      1_000_000,
    );
  }, 90_000);

  it("refuses before training when one checkpoint cannot fit, saying how much it needs", async () => {
    if (disk === null) {
      console.info("no tmpfs here: the disk pre-flight check is not exercised");
      return;
    }
    const tiny = mountSmallDisk("1m");
    if (tiny === null) return;
    try {
      const child = spawnCli(cwd, "train", ...args, "--hidden", "300", "--out", join(tiny, "run"));
      child.process.stdin.end();
      expect(await child.exited).toBe(1);
      expect(child.stderr()).toMatch(
        /error: a checkpoint of this model needs \d\.\d MB, but only 1\.0 MB is free/,
      );
      expect(existsSync(join(tiny, "run"))).toBe(false);
    } finally {
      spawnSync("umount", [tiny]);
      rmSync(tiny, { recursive: true, force: true });
    }
  }, 60_000);
});
