/**
 * A caching allocator over WebAssembly linear memory, on the JavaScript
 * side (the kernels never allocate). Blocks are 64-byte aligned (a cache
 * line, and what the SIMD kernels want). A freed block is kept in a list for
 * its exact size, because a training loop asks for the same sizes every
 * step, so after the first step almost every request is a reuse. A request
 * with no block of its exact size takes the smallest cached block of up to
 * twice its size (so a run of shrinking temporaries reuses memory instead of
 * growing it); otherwise it comes from a bump pointer, which moves back down
 * when the topmost block is freed, and the memory grows when it runs out.
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

  /** Size of each live block that came from a larger cached one (freed back at that size). */
  private readonly borrowed = new Map<number, number>();

  /** A block of at least `bytes` bytes; returns its byte offset. */
  alloc(bytes: number): number {
    const size = roundUp(Math.max(bytes, 1), alignment);
    let ptr = this.cache.get(size)?.pop();
    let taken = size;
    if (ptr === undefined) {
      const fit = this.smallestCachedAtLeast(size);
      if (fit !== undefined) {
        ptr = this.cache.get(fit)?.pop() as number;
        taken = fit;
        this.borrowed.set(ptr, fit);
      }
    }
    if (ptr !== undefined) {
      this.cachedBytes -= taken;
    } else {
      ptr = this.top;
      this.top += size;
      this.ensure(this.top);
    }
    this.liveBytes += taken;
    this.liveBlocks++;
    return ptr;
  }

  /** Return a block (with the size it was asked for) for reuse. */
  free(ptr: number, bytes: number): void {
    const asked = roundUp(Math.max(bytes, 1), alignment);
    const size = this.borrowed.get(ptr) ?? asked;
    this.borrowed.delete(ptr);
    this.liveBytes -= size;
    this.liveBlocks--;
    if (ptr + size === this.top) {
      // The topmost block: give it back to the bump pointer.
      this.top = ptr;
      return;
    }
    let list = this.cache.get(size);
    if (list === undefined) {
      list = [];
      this.cache.set(size, list);
    }
    list.push(ptr);
    this.cachedBytes += size;
  }

  /** The smallest size with a cached block in [size, 2·size], if any. */
  private smallestCachedAtLeast(size: number): number | undefined {
    let best: number | undefined;
    for (const [candidate, list] of this.cache) {
      if (
        list.length > 0 &&
        candidate > size &&
        candidate <= 2 * size &&
        (best === undefined || candidate < best)
      ) {
        best = candidate;
      }
    }
    return best;
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
