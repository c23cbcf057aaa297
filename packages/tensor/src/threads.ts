/**
 * Worker threads for the wasm backend (Node only: `@recurrent/tensor/threads`).
 *
 * `enableThreads()` makes a `wasm-threads` backend whose linear memory is
 * shared, starts worker threads that instantiate the same kernels over it,
 * and shares out the two kinds of work that dominate training: every large
 * float32 GEMM, by column blocks, and every recurrence (a layer's T steps),
 * by blocks of batch rows (see backends/wasm/parallel.ts). The calling thread
 * runs the first block while each worker runs one of the others, handed off
 * through Atomics on a small control block in the shared memory.
 * Nothing is copied: all threads read the operands where they lie. Call it
 * once at start-up, before making tensors (tensors of another backend still
 * work, through the js fallback, but slowly).
 */
import { Worker } from "node:worker_threads";
import { type Backend, registerBackend, setBackend } from "./backend.js";
import { WasmBackend } from "./backends/wasm/backend.js";
import { kernelNames } from "./backends/wasm/kernels.js";
import { sharedKernelsModule } from "./backends/wasm/kernels-shared.js";
import type { ParallelKernel, ThreadPool } from "./backends/wasm/parallel.js";

/** Control block per worker: i32 state, i32 kernel index, then up to `maxArgs` f64 arguments. */
const maxArgs = 24;
const controlBytes = 8 + maxArgs * 8;
const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const STOP = 3;
const FAILED = 4;

const argList = Array.from({ length: maxArgs }, (_, i) => `a[${i}]`).join(", ");

// Runs in each worker (evaluated as CommonJS): wait for a job, run it, say done.
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control, names } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exports[name]);
const i32 = new Int32Array(memory.buffer, control, 2);
const a = new Float64Array(memory.buffer, control + 8, ${maxArgs});
for (;;) {
  // Spin briefly before sleeping: in a training step the next job comes within microseconds.
  for (let spin = 0; spin < 20000 && Atomics.load(i32, 0) === ${IDLE}; spin++);
  Atomics.wait(i32, 0, ${IDLE});
  const state = Atomics.load(i32, 0);
  if (state === ${STOP}) break;
  if (state !== ${POSTED}) continue;
  let outcome = ${DONE};
  try {
    kernels[i32[1]](${argList});
  } catch {
    outcome = ${FAILED}; // a trap: the caller throws, the worker stays ready
  }
  Atomics.store(i32, 0, outcome);
  Atomics.notify(i32, 0);
  Atomics.wait(i32, 0, outcome);
}
`;

interface Lane {
  readonly worker: Worker;
  readonly i32: Int32Array;
  readonly args: Float64Array;
  /** The worker's own GEMM scratch. */
  readonly work: number;
}

export interface ThreadOptions {
  /** Threads in all, the calling one included (default 2). */
  readonly threads?: number;
}

let active: { backend: WasmBackend; lanes: Lane[] } | null = null;

/** Start the worker threads and make `wasm-threads` the active backend; returns it. */
export function enableThreads(options: ThreadOptions = {}): Backend {
  if (active !== null) return setBackend(active.backend);
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 32768, shared: true });
  const module = sharedKernelsModule();
  const backend = new WasmBackend({ name: "wasm-threads", memory, module });
  // Room for any sgemm: blocks are at most 128 rows, 4096 columns and 256 deep.
  const workBytes = backend.wasm.sgemmWorkBytes(128, 4096, 256);
  const lanes: Lane[] = [];
  for (let t = 1; t < threads; t++) {
    const control = backend.allocBytes(controlBytes);
    const i32 = new Int32Array(memory.buffer, control, 2);
    i32.fill(0);
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { module, memory, control, names: kernelNames },
    });
    worker.unref();
    lanes.push({
      worker,
      i32,
      args: new Float64Array(memory.buffer, control + 8, maxArgs),
      work: backend.allocBytes(workBytes),
    });
  }
  backend.setThreadPool(lanes.length === 0 ? null : pool(backend, lanes));
  registerBackend(backend);
  active = { backend, lanes };
  return setBackend(backend);
}

/** Stop the workers (the backend stays usable, on one thread). */
export async function disableThreads(): Promise<void> {
  if (active === null) return;
  const { backend, lanes } = active;
  backend.setThreadPool(null);
  for (const lane of lanes) {
    Atomics.store(lane.i32, 0, STOP);
    Atomics.notify(lane.i32, 0);
  }
  await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  active = null;
}

function pool(backend: WasmBackend, lanes: Lane[]): ThreadPool {
  const index = new Map<string, number>(kernelNames.map((name, i) => [name, i]));
  return {
    threads: lanes.length + 1,
    run(name: ParallelKernel, parts: number, work: number, argsOf) {
      const id = index.get(name) as number;
      const posted = lanes.slice(0, Math.max(0, parts - 1));
      posted.forEach((lane, i) => {
        lane.args.set(argsOf(i + 1, lane.work));
        lane.i32[1] = id;
        Atomics.store(lane.i32, 0, POSTED);
        Atomics.notify(lane.i32, 0);
      });
      let failed = 0;
      try {
        (backend.wasm[name] as (...args: readonly number[]) => void)(...argsOf(0, work));
      } finally {
        // Even when this thread's part threw: the workers still write into shared buffers.
        for (const { i32 } of posted) {
          for (let spin = 0; spin < 20000 && Atomics.load(i32, 0) === POSTED; spin++);
          while (Atomics.load(i32, 0) === POSTED) Atomics.wait(i32, 0, POSTED);
          if (Atomics.load(i32, 0) === FAILED) failed++;
          Atomics.store(i32, 0, IDLE);
          Atomics.notify(i32, 0);
        }
      }
      if (failed > 0) {
        throw new Error(
          `threads: ${failed} worker(s) failed running ${name} (a WebAssembly trap); its output is incomplete`,
        );
      }
    },
  };
}
