/**
 * Storage inside WebAssembly linear memory: a block from the allocator,
 * read through a typed-array view that is rebuilt after the memory grows
 * (growth detaches the old ArrayBuffer; the view's byte offset stays valid).
 */
import { bytesPerElement, type DType, type TypedArray, viewOf } from "../../dtype.js";
import { Storage } from "../../storage.js";
import type { LinearAllocator } from "./allocator.js";

export class WasmStorage extends Storage {
  readonly backend = "wasm";
  private view: TypedArray | undefined;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly allocator: LinearAllocator,
    dtype: DType,
    length: number,
    /** Byte offset of the first element in linear memory. */
    readonly ptr: number,
  ) {
    super(dtype, length);
  }

  get array(): TypedArray {
    const buffer = this.memory.buffer;
    if (this.view === undefined || this.view.buffer !== buffer) {
      this.assertLive("read");
      this.view = viewOf(this.dtype, buffer, this.ptr, this.length);
    }
    return this.view;
  }

  protected release(): void {
    this.allocator.free(this.ptr, this.length * bytesPerElement[this.dtype]);
    this.view = undefined;
  }
}
