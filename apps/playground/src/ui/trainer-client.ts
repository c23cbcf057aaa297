/**
 * The page's handle on one training worker: typed requests that resolve
 * with the worker's reply, and a listener for its events.
 */
import type { Reply, Request, Results, WorkerEvent } from "../protocol.js";

export class TrainerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  constructor(
    readonly threads: number,
    onEvent: (event: WorkerEvent) => void,
  ) {
    this.worker = new Worker(new URL("../worker/training-worker.ts", import.meta.url), {
      type: "module",
    });
    this.worker.onmessage = (message: MessageEvent<Reply | WorkerEvent>) => {
      const data = message.data;
      if ("event" in data) {
        onEvent(data);
        return;
      }
      const waiting = this.pending.get(data.id);
      if (waiting === undefined) return;
      this.pending.delete(data.id);
      if (data.ok) waiting.resolve(data.result);
      else waiting.reject(new Error(data.error));
    };
  }

  request<TType extends Request["type"]>(
    request: Extract<Request, { type: TType }>,
  ): Promise<Results[TType]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, request, threads: this.threads });
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const { reject } of this.pending.values()) reject(new Error("worker stopped"));
    this.pending.clear();
  }
}
