/**
 * `node:worker_threads` in the page: @recurrent/tensor/threads names it at
 * its top. Threads in the page only start where the library supports
 * browser workers; this stand-in makes any other attempt fail clearly.
 */
export class Worker {
  constructor() {
    throw new Error(
      "threads: this build of @recurrent/tensor/threads runs on Node worker threads only; the page trains on one thread",
    );
  }
}

export default { Worker };
