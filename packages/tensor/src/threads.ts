/**
 * Worker threads for the wasm backend in Node (`@recurrent/tensor/threads`;
 * browsers get threads-browser.ts through the package's `browser` condition).
 *
 * `enableThreads()` makes a `wasm-threads` backend whose linear memory is
 * shared, starts worker threads that instantiate the same kernels over it,
 * and shares out the two kinds of work that dominate training: every large
 * float32 GEMM, by column blocks, and every recurrence (a layer's T steps),
 * by blocks of batch rows (see backends/wasm/parallel.ts). The calling thread
 * runs the first block while each worker runs one of the others, handed off
 * through Atomics on a small control block in the shared memory (see
 * threads/pool.ts). Nothing is copied: all threads read the operands where
 * they lie. Call it once at start-up, before making tensors (tensors of
 * another backend still work, through the js fallback, but slowly).
 */
import { Worker } from "node:worker_threads";
import type { Backend } from "./backend.js";
import { startThreads, type ThreadOptions } from "./threads/pool.js";
import { LaneState, maxArgs, serveJobs } from "./threads/serve-jobs.js";

export { disableThreads, type ThreadOptions, threadsReady } from "./threads/pool.js";

// Runs in each worker (evaluated as CommonJS): the shared job loop, from its own source.
const workerSource = `
const { workerData } = require("node:worker_threads");
(${String(serveJobs)})(workerData.init, workerData.states, workerData.argCount);
`;

/** Start the worker threads and make `wasm-threads` the active backend; returns it. */
export function enableThreads(options: ThreadOptions = {}): Backend {
  return startThreads(options, {
    canBlock: true,
    waitForStart: true,
    spawn(init) {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { init, states: LaneState, argCount: maxArgs },
      });
      worker.unref();
      return worker;
    },
  });
}
