/**
 * One process per run directory. `train`, `resume`, `compare` and `import` hold
 * `run.lock` (created exclusively, holding the owner's pid, host and start
 * time) while they write; a second process on the same directory is
 * refused before it touches anything. A lock whose owner is gone (a killed
 * run: SIGKILL, a power cut) is stale: it is noticed, removed and taken
 * over, with a note. The lock goes when the process exits, however it
 * exits short of SIGKILL.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { TrainerError } from "./errors.js";

export const lockFileName = "run.lock";

interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly started: string;
  readonly command: string;
}

export interface RunLock {
  readonly path: string;
  /** The pid of a dead owner whose stale lock was taken over, if any. */
  readonly staleOwner: number | null;
  release(): void;
}

/** Whether a process with this pid runs (on this machine). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM"; // alive, owned by someone else
  }
}

function readRecord(path: string): LockRecord | null {
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as Partial<LockRecord>;
    return typeof record.pid === "number" ? (record as LockRecord) : null;
  } catch {
    return null; // unreadable: a lock whose writer died before it finished
  }
}

/**
 * Take the lock of the run directory `dir` for `command`, or throw a
 * TrainerError naming the process that holds it.
 */
export function lockRun(dir: string, command: string): RunLock {
  const path = join(dir, lockFileName);
  const record: LockRecord = {
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
    command,
  };
  let staleOwner: number | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${JSON.stringify(record)}\n`, { flag: "wx" });
      const release = () => {
        const current = readRecord(path);
        if (current?.pid === process.pid) rmSync(path, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return { path, staleOwner, release };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
    }
    const owner = readRecord(path);
    const sameHost = owner === null || owner.host === hostname();
    if (owner !== null && owner.pid !== process.pid && (!sameHost || processAlive(owner.pid))) {
      throw new TrainerError(
        "LOCKED",
        `${dir} is in use by process ${owner.pid}${sameHost ? "" : ` on ${owner.host}`} (\`${owner.command}\`, started ${owner.started}); wait for it to finish or stop it (Ctrl-C), then try again`,
      );
    }
    // The owner is gone (or we are it, from an earlier part of this process): stale.
    staleOwner = owner?.pid ?? null;
    rmSync(path, { force: true });
  }
  throw new TrainerError(
    "LOCKED",
    `${dir}: could not take ${lockFileName}; another process keeps creating it`,
  );
}
