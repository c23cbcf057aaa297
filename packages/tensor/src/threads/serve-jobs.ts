/**
 * The loop every worker thread runs, in Node and in browsers: wait on its
 * control block in the shared memory for a job, run the kernel, say done.
 *
 * It uses nothing from its module scope (everything comes in through its
 * arguments), so Node's worker, which is evaluated from a string, embeds its
 * source (`String(serveJobs)`), and the browser's module worker imports it:
 * one loop for both.
 */

/** The states of a control block's first i32 (see pool.ts). */
export const LaneState = {
  /** The worker has not started yet: post nothing to it. */
  STARTING: 0,
  IDLE: 1,
  POSTED: 2,
  DONE: 3,
  STOP: 4,
  FAILED: 5,
} as const;

/** Per worker: i32 state, i32 kernel index, then up to `maxArgs` f64 arguments. */
export const maxArgs = 24;
export const controlBytes = 8 + maxArgs * 8;

/** What a worker receives to start: the shared-memory kernels, the memory and its control block. */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: number;
  readonly names: readonly string[];
}

export function serveJobs(init: WorkerInit, states: typeof LaneState, argCount: number): void {
  const { module, memory, control, names } = init;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const kernels = names.map((name) => exports[name] as (...args: number[]) => void);
  const i32 = new Int32Array(memory.buffer, control, 2);
  const a = new Float64Array(memory.buffer, control + 8, argCount);
  Atomics.store(i32, 0, states.IDLE);
  Atomics.notify(i32, 0);
  for (;;) {
    // Spin briefly before sleeping: in a training step the next job comes within microseconds.
    for (let spin = 0; spin < 20000 && Atomics.load(i32, 0) === states.IDLE; spin++);
    Atomics.wait(i32, 0, states.IDLE);
    const state = Atomics.load(i32, 0);
    if (state === states.STOP) break;
    if (state !== states.POSTED) continue;
    let outcome: number = states.DONE;
    try {
      (kernels[i32[1] as number] as (...args: number[]) => void)(...a);
    } catch {
      outcome = states.FAILED; // a trap: the caller throws, the worker stays ready
    }
    Atomics.store(i32, 0, outcome);
    Atomics.notify(i32, 0);
    Atomics.wait(i32, 0, outcome);
  }
}
