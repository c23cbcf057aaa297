/**
 * Where a tensor's elements live. A storage is a flat run of elements of one
 * dtype owned by a backend; tensors are (shape, strides, offset) windows onto
 * it, so views share storage and never copy.
 *
 * `array` is a typed-array view of the elements. For storage inside
 * WebAssembly linear memory the view is rebuilt whenever the memory has grown
 * (growth detaches the old ArrayBuffer), so read `array` when you use it
 * rather than keeping it across allocations.
 *
 * Storage is reference counted by the tensors that use it: the last tensor to
 * be disposed (explicitly, by `tidy`, or by the garbage collector as a
 * backstop) frees it.
 */
import type { DType, TypedArray } from "./dtype.js";
import { disposedError } from "./errors.js";

export abstract class Storage {
  private refs = 0;
  private freed = false;

  constructor(
    readonly dtype: DType,
    readonly length: number,
  ) {}

  /** The name of the backend that owns this memory. */
  abstract readonly backend: string;
  /** A view of the elements (see the note at the top of this file). */
  abstract get array(): TypedArray;
  /** Give the memory back to the backend. Called once, when the last reference goes. */
  protected abstract release(): void;

  get disposed(): boolean {
    return this.freed;
  }

  retain(): void {
    this.refs++;
  }

  /** Drop one reference; frees the memory when none is left. */
  releaseRef(): void {
    if (this.freed) return;
    this.refs--;
    if (this.refs <= 0) {
      this.freed = true;
      this.release();
    }
  }

  assertLive(op: string): void {
    if (this.freed) throw disposedError(op);
  }
}

/** Storage in an ordinary JavaScript typed array, freed by the garbage collector. */
export class ArrayStorage extends Storage {
  readonly backend: string;
  private data: TypedArray | null;

  constructor(backend: string, data: TypedArray, dtype: DType) {
    super(dtype, data.length);
    this.backend = backend;
    this.data = data;
  }

  get array(): TypedArray {
    if (this.data === null) this.assertLive("read");
    return this.data as TypedArray;
  }

  protected release(): void {
    this.data = null;
  }
}
