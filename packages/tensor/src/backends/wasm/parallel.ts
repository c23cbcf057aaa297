/**
 * How the wasm backend cuts work for threads. A `ThreadPool` (made by
 * `@recurrent/tensor/threads`) runs one kernel on several threads at once
 * over the shared linear memory; this file decides where to cut: a large
 * GEMM by column blocks of C (each thread reads all of A and its own columns
 * of B), a recurrence by blocks of batch rows (rows never interact inside a
 * recurrence, so each thread runs all T steps of its rows with no
 * synchronisation between steps).
 */
import type { Ptr, WasmKernels } from "./kernels.js";

/** The kernels a pool can run. */
export type ParallelKernel = "sgemm" | "recurrence";

export interface ThreadPool {
  /** Threads in all, the calling one included. */
  readonly threads: number;
  /**
   * Calls kernel `name` `parts` times at once (parts ≤ threads): part 0 on the
   * calling thread with scratch `work`, the others on workers with scratch of
   * their own (room for any sgemm); `argsOf(part, work)` gives each call's
   * arguments. Returns when every part is done.
   */
  run(
    name: ParallelKernel,
    parts: number,
    work: Ptr,
    argsOf: (part: number, work: Ptr) => readonly number[],
  ): void;
}

/** GEMMs smaller than this many multiply-adds stay on one thread (a hand-off costs microseconds). */
export const gemmThreshold = 1 << 23;

/** Recurrences (see recurrence.ts) smaller than this many multiply-adds stay on one thread. */
export const recurrenceThreshold = 1 << 20;

/** sgemm with the columns of C cut into one block per thread (multiples of the kernel's 8). */
export function columnSplitSgemm(pool: ThreadPool): WasmKernels["sgemm"] {
  return (ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work) => {
    const chunk = Math.ceil(n / pool.threads / 8) * 8;
    // The caller's scratch was sized for all n columns; its block needs no more.
    pool.run("sgemm", Math.ceil(n / chunk), work, (part, w) => {
      const from = part * chunk;
      const columnsOfB = tb ? b + from * ldb * 4 : b + from * 4;
      return [
        ta,
        tb,
        m,
        Math.min(chunk, n - from),
        k,
        alpha,
        a,
        lda,
        columnsOfB,
        ldb,
        beta,
        c + from * 4,
        ldc,
        w,
      ];
    });
  };
}

/**
 * [row0, rows] blocks covering `batch` rows, at most one per thread, in
 * multiples of 4 rows (the GEMM micro-kernel's height) where the batch allows.
 */
export function rowBlocks(batch: number, threads: number): [number, number][] {
  const quads = Math.ceil(batch / 4);
  const parts = Math.max(1, Math.min(threads, quads));
  const blocks: [number, number][] = [];
  let row = 0;
  for (let part = 0; part < parts; part++) {
    const rows = Math.min(batch - row, Math.ceil((quads - row / 4) / (parts - part)) * 4);
    if (rows <= 0) break;
    blocks.push([row, rows]);
    row += rows;
  }
  return blocks;
}
