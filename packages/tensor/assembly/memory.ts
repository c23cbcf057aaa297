// Where the JS-owned heap may start. The kernels never allocate: the module has no static
// data that it writes to, and JS hands every buffer (including GEMM scratch) in as a pointer.
// JS must place its allocations at or above `heapBase()`, rounded up to its own alignment.

/** First byte of linear memory that is free for the JS allocator (past any static data). */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Zeroes `bytes` bytes at `ptr` with `memory.fill`, a native memset. On a shared memory (threads
 * on) a typed array's `fill` is several times slower: every store there is an atomic one.
 */
export function zeroBytes(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}
