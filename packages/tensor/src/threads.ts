/**
 * Worker threads for the wasm backend (Node only: `@recurrent/tensor/threads`).
 *
 * `enableThreads()` makes a `wasm-threads` backend whose linear memory is
 * shared, starts worker threads that instantiate the same kernels over it,
 * and splits every large float32 GEMM by column blocks: the calling thread
 * computes the first block while each worker computes one of the others,
 * handed off through Atomics on a small control block in the shared memory.
 * Nothing is copied: all threads read the operands where they lie. Call it
 * once at start-up, before making tensors (tensors of another backend still
 * work, through the js fallback, but slowly).
 */
import { Worker } from "node:worker_threads";
import { type Backend, registerBackend, setBackend } from "./backend.js";
import { type ParallelGemm, WasmBackend } from "./backends/wasm/backend.js";
import { kernelsModule } from "./backends/wasm/kernels.js";

/** Control block per worker: [state, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work]. */
const slots = 16;
const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const STOP = 3;

// Runs in each worker (evaluated as CommonJS): wait for a job, run it, say done.
const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const sgemm = new WebAssembly.Instance(module, { env: { memory } }).exports.sgemm;
const i32 = new Int32Array(memory.buffer, control, ${slots});
const f32 = new Float32Array(memory.buffer, control, ${slots});
for (;;) {
  // Spin briefly before sleeping: in a training step the next job comes within microseconds.
  for (let spin = 0; spin < 20000 && Atomics.load(i32, 0) === ${IDLE}; spin++);
  Atomics.wait(i32, 0, ${IDLE});
  const state = Atomics.load(i32, 0);
  if (state === ${STOP}) break;
  if (state !== ${POSTED}) continue;
  sgemm(i32[1], i32[2], i32[3], i32[4], i32[5], f32[6], i32[7], i32[8], i32[9], i32[10], f32[11], i32[12], i32[13], i32[14]);
  Atomics.store(i32, 0, ${DONE});
  Atomics.notify(i32, 0);
  Atomics.wait(i32, 0, ${DONE});
}
`;

interface Lane {
  readonly worker: Worker;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
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
  const backend = new WasmBackend({ name: "wasm-threads", memory, shared: true });
  const module = kernelsModule(true);
  const workBytes = backend.wasm.sgemmWorkBytes(128, 4096, 256);
  const lanes: Lane[] = [];
  for (let t = 1; t < threads; t++) {
    const control = backend.allocBytes(slots * 4);
    const work = backend.allocBytes(workBytes);
    const i32 = new Int32Array(memory.buffer, control, slots);
    i32.fill(0);
    i32[14] = work;
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { module, memory, control },
    });
    worker.unref();
    lanes.push({ worker, i32, f32: new Float32Array(memory.buffer, control, slots) });
  }
  backend.setParallelGemm(lanes.length === 0 ? null : splitByColumns(backend, lanes));
  registerBackend(backend);
  active = { backend, lanes };
  return setBackend(backend);
}

/** Stop the workers (the backend stays usable, on one thread). */
export async function disableThreads(): Promise<void> {
  if (active === null) return;
  const { backend, lanes } = active;
  backend.setParallelGemm(null);
  for (const lane of lanes) {
    Atomics.store(lane.i32, 0, STOP);
    Atomics.notify(lane.i32, 0);
  }
  await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  active = null;
}

function splitByColumns(backend: WasmBackend, lanes: Lane[]): ParallelGemm {
  const parts = lanes.length + 1;
  return {
    sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, work) {
      // Column blocks, a multiple of the micro-kernel's 8 columns.
      const chunk = Math.ceil(n / parts / 8) * 8;
      const posted: Lane[] = [];
      lanes.forEach((lane, index) => {
        const from = (index + 1) * chunk;
        const width = Math.min(chunk, n - from);
        if (width <= 0) return;
        const { i32, f32 } = lane;
        i32[1] = ta;
        i32[2] = tb;
        i32[3] = m;
        i32[4] = width;
        i32[5] = k;
        f32[6] = alpha;
        i32[7] = a;
        i32[8] = lda;
        i32[9] = tb ? b + from * ldb * 4 : b + from * 4; // columns of op(B)
        i32[10] = ldb;
        f32[11] = beta;
        i32[12] = c + from * 4;
        i32[13] = ldc;
        Atomics.store(i32, 0, POSTED);
        Atomics.notify(i32, 0);
        posted.push(lane);
      });
      // The caller's scratch was sized for all n columns; its first block needs no more.
      backend.wasm.sgemm(
        ta,
        tb,
        m,
        Math.min(chunk, n),
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc,
        work,
      );
      for (const { i32 } of posted) {
        for (let spin = 0; spin < 20000 && Atomics.load(i32, 0) !== DONE; spin++);
        while (Atomics.load(i32, 0) !== DONE) Atomics.wait(i32, 0, POSTED);
        Atomics.store(i32, 0, IDLE);
        Atomics.notify(i32, 0);
      }
    },
  };
}
