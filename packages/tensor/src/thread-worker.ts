/**
 * The module a browser thread runs (threads-browser.ts starts it with
 * `new Worker(new URL("./thread-worker.js", import.meta.url), { type: "module" })`):
 * it takes the kernels, the shared memory and its control block from the
 * first message and serves jobs until told to stop.
 */
import { LaneState, maxArgs, serveJobs, type WorkerInit } from "./threads/serve-jobs.js";

globalThis.addEventListener(
  "message",
  (event) => serveJobs((event as MessageEvent<WorkerInit>).data, LaneState, maxArgs),
  { once: true },
);
