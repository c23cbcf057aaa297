/**
 * What both threads entry points share (threads.ts for Node, threads-browser.ts
 * for browsers): the `wasm-threads` backend over a shared memory, one control
 * block per worker, and the pool that hands a kernel's parts to the workers.
 * The entry points differ only in how they start a worker.
 *
 * A worker counts once it has started (its control block leaves STARTING).
 * A part meant for a worker that has not started yet runs on the calling
 * thread instead, with the same arguments, so results never depend on when
 * workers come up. Node starts workers while the caller blocks, so its
 * `enableThreads` waits for them; a browser page's main thread must return
 * to its event loop first, so there `threadsReady()` says when they are up.
 */
import { type Backend, registerBackend, setBackend } from "../backend.js";
import { WasmBackend } from "../backends/wasm/backend.js";
import { kernelNames } from "../backends/wasm/kernels.js";
import { sharedKernelsModule } from "../backends/wasm/kernels-shared.js";
import type { ParallelKernel, ThreadPool } from "../backends/wasm/parallel.js";
import { controlBytes, LaneState, maxArgs, type WorkerInit } from "./serve-jobs.js";

export interface ThreadOptions {
  /** Threads in all, the calling one included (default 2). */
  readonly threads?: number;
}

/** A started worker, as the entry point made it. */
export interface WorkerHandle {
  terminate(): Promise<unknown>;
  /** Why the worker could not start (its script failed to load, say), once known. */
  startError?(): string | undefined;
}

export interface Spawner {
  /** Starts a worker that calls serveJobs(init, …). */
  spawn(init: WorkerInit): WorkerHandle;
  /** Whether this thread may block in Atomics.wait (not a browser page's main thread). */
  readonly canBlock: boolean;
  /** Whether to wait in enableThreads until every worker has started (Node). */
  readonly waitForStart: boolean;
}

interface Lane {
  readonly worker: WorkerHandle;
  readonly i32: Int32Array;
  readonly args: Float64Array;
  /** The worker's own GEMM scratch. */
  readonly work: number;
}

let active: { backend: WasmBackend; lanes: Lane[]; canBlock: boolean } | null = null;

/** The largest shared memory: 2 GiB in 64 KiB pages (the kernels' build declares the same). */
const maximumPages = 32768;

export function startThreads(options: ThreadOptions, spawner: Spawner): Backend {
  if (active !== null) return setBackend(active.backend);
  const threads = Math.max(1, Math.floor(options.threads ?? 2));
  const memory = new WebAssembly.Memory({ initial: 256, maximum: maximumPages, shared: true });
  const module = sharedKernelsModule();
  const backend = new WasmBackend({ name: "wasm-threads", memory, module });
  // Room for any sgemm: blocks are at most 128 rows, 4096 columns and 256 deep.
  const workBytes = backend.wasm.sgemmWorkBytes(128, 4096, 256);
  const lanes: Lane[] = [];
  for (let t = 1; t < threads; t++) {
    const control = backend.allocBytes(controlBytes);
    const i32 = new Int32Array(memory.buffer, control, 2);
    i32.fill(LaneState.STARTING);
    const worker = spawner.spawn({ module, memory, control, names: kernelNames });
    lanes.push({
      worker,
      i32,
      args: new Float64Array(memory.buffer, control + 8, maxArgs),
      work: backend.allocBytes(workBytes),
    });
  }
  if (spawner.waitForStart) {
    for (const { i32 } of lanes) Atomics.wait(i32, 0, LaneState.STARTING, 10_000);
  }
  backend.setThreadPool(lanes.length === 0 ? null : pool(backend, lanes, spawner.canBlock));
  registerBackend(backend);
  active = { backend, lanes, canBlock: spawner.canBlock };
  return setBackend(backend);
}

/**
 * Resolves, once every worker has started, with the number of threads
 * running (the calling one included); 1 when threads are off.
 */
export async function threadsReady(timeoutMs = 10_000): Promise<number> {
  if (active === null) return 1;
  const { lanes } = active;
  const deadline = Date.now() + timeoutMs;
  for (const { i32, worker } of lanes) {
    while (Atomics.load(i32, 0) === LaneState.STARTING) {
      const failure = worker.startError?.();
      if (failure !== undefined) throw new Error(`threads: a worker could not start: ${failure}`);
      if (Date.now() > deadline) {
        throw new Error(`threads: a worker did not start within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return lanes.length + 1;
}

/** Stop the workers (the backend stays usable, on one thread). */
export async function disableThreads(): Promise<void> {
  if (active === null) return;
  const { backend, lanes } = active;
  backend.setThreadPool(null);
  for (const lane of lanes) {
    Atomics.store(lane.i32, 0, LaneState.STOP);
    Atomics.notify(lane.i32, 0);
  }
  await Promise.all(lanes.map((lane) => lane.worker.terminate()));
  active = null;
}

function pool(backend: WasmBackend, lanes: Lane[], canBlock: boolean): ThreadPool {
  const index = new Map<string, number>(kernelNames.map((name, i) => [name, i]));
  const call = (name: ParallelKernel, args: readonly number[]) =>
    (backend.wasm[name] as (...args: readonly number[]) => void)(...args);
  return {
    threads: lanes.length + 1,
    run(name: ParallelKernel, parts: number, work: number, argsOf) {
      const id = index.get(name) as number;
      const posted: Lane[] = [];
      const unstarted: [Lane, number][] = [];
      lanes.slice(0, Math.max(0, parts - 1)).forEach((lane, i) => {
        if (Atomics.load(lane.i32, 0) === LaneState.STARTING) {
          unstarted.push([lane, i + 1]);
          return;
        }
        lane.args.set(argsOf(i + 1, lane.work));
        lane.i32[1] = id;
        Atomics.store(lane.i32, 0, LaneState.POSTED);
        Atomics.notify(lane.i32, 0);
        posted.push(lane);
      });
      let failed = 0;
      try {
        call(name, argsOf(0, work));
        for (const [lane, part] of unstarted) call(name, argsOf(part, lane.work));
      } finally {
        // Even when this thread's part threw: the workers still write into shared buffers.
        for (const { i32 } of posted) {
          for (let spin = 0; spin < 20000 && Atomics.load(i32, 0) === LaneState.POSTED; spin++);
          while (Atomics.load(i32, 0) === LaneState.POSTED) {
            if (canBlock) Atomics.wait(i32, 0, LaneState.POSTED);
          }
          if (Atomics.load(i32, 0) === LaneState.FAILED) failed++;
          Atomics.store(i32, 0, LaneState.IDLE);
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
