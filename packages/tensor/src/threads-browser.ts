/**
 * Worker threads for the wasm backend in browsers (`@recurrent/tensor/threads`
 * under the `browser` condition; Node gets threads.ts). The same API and the
 * same pool (threads/pool.ts), with Web Workers over a shared
 * WebAssembly.Memory, which browsers allow only in a cross-origin-isolated
 * page: one served with
 *
 *     Cross-Origin-Opener-Policy: same-origin
 *     Cross-Origin-Embedder-Policy: require-corp
 *
 * A page's main thread may not block, so `enableThreads()` returns at once and
 * work stays on the calling thread until the workers have started; await
 * `threadsReady()` to know when they have. The worker is a module file found
 * with `new URL("./thread-worker.js", import.meta.url)`, the pattern Vite
 * bundles by itself (esbuild needs it as an extra entry point; see the README).
 */
import type { Backend } from "./backend.js";
import { TensorError } from "./errors.js";
import { startThreads, type ThreadOptions } from "./threads/pool.js";

export { disableThreads, type ThreadOptions, threadsReady } from "./threads/pool.js";

/** Start the Web Workers and make `wasm-threads` the active backend; returns it. */
export function enableThreads(options: ThreadOptions = {}): Backend {
  if (globalThis.crossOriginIsolated !== true) {
    throw new TensorError(
      "BACKEND",
      "enableThreads: this page is not cross-origin isolated, so it cannot share WebAssembly " +
        "memory with workers; serve it with the headers Cross-Origin-Opener-Policy: same-origin " +
        "and Cross-Origin-Embedder-Policy: require-corp",
    );
  }
  return startThreads(options, {
    canBlock: mainThreadMayBlock(),
    waitForStart: false,
    spawn(init) {
      const worker = new Worker(new URL("./thread-worker.js", import.meta.url), {
        type: "module",
        name: "recurrent-thread",
      });
      let failure: string | undefined;
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        failure =
          `${event.message || "its script did not load"} (the worker script is ` +
          `@recurrent/tensor/thread-worker, next to the bundle as thread-worker.js; ` +
          `esbuild needs it as an entry point)`;
      });
      worker.postMessage(init);
      return { terminate: async () => worker.terminate(), startError: () => failure };
    },
  });
}

/** Atomics.wait throws on a page's main thread and works in a worker. */
function mainThreadMayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
