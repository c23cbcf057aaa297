/**
 * The one shape every batch iterator in this package has. A stream is cut
 * into epochs of batches; any batch can be rebuilt from its position
 * (epoch, index), so resuming a run means storing `position` in the
 * checkpoint and calling `seek` with it. Each stream also declares what the
 * trainer must do with the recurrent state between batches (`statePolicy`).
 */
import { check, checkInteger } from "./errors.js";

/**
 * What the trainer does with the hidden state between two batches:
 * - `"carry"`: row b of batch i+1 continues row b of batch i, so keep the
 *   state (detached, for truncated BPTT) and reset only where a batch says
 *   `resetState` (the first batch of an epoch);
 * - `"reset"`: batches are independent; start every batch from a fresh state.
 */
export type StatePolicy = "carry" | "reset";

/** Where a stream is: the next batch it will hand out. Plain JSON, for checkpoints. */
export interface BatchPosition {
  readonly epoch: number;
  readonly batch: number;
}

/** What every batch carries besides its tensors. */
export interface BatchInfo {
  readonly epoch: number;
  /** Index of this batch within its epoch. */
  readonly index: number;
  /** True when the recurrent state must start fresh before this batch. */
  readonly resetState: boolean;
}

export interface BatchStream<TBatch extends BatchInfo> extends Iterable<TBatch> {
  readonly statePolicy: StatePolicy;
  /** The next batch `nextBatch()` or iteration will hand out. */
  readonly position: BatchPosition;
  /** How many batches epoch `epoch` has (it may vary with a random offset). */
  batchesInEpoch(epoch: number): number;
  /** The batch at a position, without moving the stream. */
  batchAt(position: BatchPosition): TBatch;
  /** The batch at `position`, then move past it (into the next epoch after its last batch). */
  nextBatch(): TBatch;
  /** Move to `position` (as saved from `position`); a batch index equal to the epoch's length means the next epoch's start. */
  seek(position: BatchPosition): this;
  /**
   * The remaining batches of the current epoch. `for (const batch of stream)`
   * runs one epoch; afterwards the stream stands at the start of the next.
   * The position moves before each batch is handed out, so after a `break`
   * it names the first batch not yet seen.
   */
  [Symbol.iterator](): Iterator<TBatch>;
}

export interface BatchStreamSpec<TBatch extends BatchInfo> {
  /** Used in error messages, e.g. `"sequentialBatches"`. */
  readonly name: string;
  readonly statePolicy: StatePolicy;
  batchesInEpoch(epoch: number): number;
  /** Build batch `index` of `epoch`; both are already checked. */
  build(epoch: number, index: number): TBatch;
}

/** Wrap a pure `build(epoch, index)` into a resumable stream. */
export function createBatchStream<TBatch extends BatchInfo>(
  spec: BatchStreamSpec<TBatch>,
): BatchStream<TBatch> {
  let position: BatchPosition = { epoch: 0, batch: 0 };

  const normalize = (target: BatchPosition): BatchPosition => {
    checkInteger(`${spec.name}.seek`, "epoch", target.epoch, 0);
    checkInteger(`${spec.name}.seek`, "batch", target.batch, 0);
    const count = spec.batchesInEpoch(target.epoch);
    check(
      target.batch <= count,
      "INVALID_STATE",
      () =>
        `${spec.name}.seek: epoch ${target.epoch} has ${count} batches, got batch ${target.batch}`,
    );
    return target.batch === count ? { epoch: target.epoch + 1, batch: 0 } : { ...target };
  };

  const stream: BatchStream<TBatch> = {
    statePolicy: spec.statePolicy,
    get position() {
      return { ...position };
    },
    batchesInEpoch: (epoch) => spec.batchesInEpoch(epoch),
    batchAt(target) {
      const at = normalize(target);
      check(
        at.batch === target.batch,
        "INVALID_ARGUMENT",
        () =>
          `${spec.name}.batchAt: epoch ${target.epoch} has ${spec.batchesInEpoch(target.epoch)} batches, so batch ${target.batch} is past its end`,
      );
      return spec.build(at.epoch, at.batch);
    },
    nextBatch() {
      const { epoch, batch } = position;
      position = normalize({ epoch, batch: batch + 1 });
      return spec.build(epoch, batch);
    },
    seek(target) {
      position = normalize(target);
      return stream;
    },
    *[Symbol.iterator]() {
      const epoch = position.epoch;
      while (position.epoch === epoch) yield stream.nextBatch();
    },
  };
  return stream;
}
