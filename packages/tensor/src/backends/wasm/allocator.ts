/**
 * A caching allocator over WebAssembly linear memory, on the JavaScript
 * side (the kernels never allocate). Blocks are 64-byte aligned (a cache
 * line, and what the SIMD kernels want). A freed block is kept in a list for
 * its exact size, because a training loop asks for the same sizes every
 * step, so after the first step almost every request is a reuse; new blocks
 * come from a bump pointer, and the memory grows when that runs out.
 *
 * Nothing here assumes a single thread: a shared memory and worker threads
 * can use the same layout later, with this allocator on the main thread.
 */

const alignment = 64;
const pageBytes = 65536;

export interface AllocatorStats {
  liveBytes: number;
  liveBlocks: number;
  cachedBytes: number;
  reservedBytes: number;
}

export class LinearAllocator {
  private top: number;
  private readonly cache = new Map<number, number[]>();
  private liveBytes = 0;
  private liveBlocks = 0;
  private cachedBytes = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.top = roundUp(heapBase, alignment);
  }

  /** A block of at least `bytes` bytes; returns its byte offset. */
  alloc(bytes: number): number {
    const size = roundUp(Math.max(bytes, 1), alignment);
    const cached = this.cache.get(size);
    let ptr = cached?.pop();
    if (ptr !== undefined) {
      this.cachedBytes -= size;
    } else {
      ptr = this.top;
      this.top += size;
      this.ensure(this.top);
    }
    this.liveBytes += size;
    this.liveBlocks++;
    return ptr;
  }

  /** Return a block (with the size it was asked for) for reuse. */
  free(ptr: number, bytes: number): void {
    const size = roundUp(Math.max(bytes, 1), alignment);
    let list = this.cache.get(size);
    if (list === undefined) {
      list = [];
      this.cache.set(size, list);
    }
    list.push(ptr);
    this.cachedBytes += size;
    this.liveBytes -= size;
    this.liveBlocks--;
  }

  stats(): AllocatorStats {
    return {
      liveBytes: this.liveBytes,
      liveBlocks: this.liveBlocks,
      cachedBytes: this.cachedBytes,
      reservedBytes: this.memory.buffer.byteLength,
    };
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least half again, so a growing run does not grow every step.
    const want = Math.max(end, Math.ceil(have * 1.5));
    this.memory.grow(Math.ceil((want - have) / pageBytes));
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
