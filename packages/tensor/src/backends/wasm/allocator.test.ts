import { describe, expect, it } from "vitest";
import { LinearAllocator } from "./allocator.js";

const fresh = () => new LinearAllocator(new WebAssembly.Memory({ initial: 1 }), 1024);

describe("LinearAllocator", () => {
  it("hands out 64-byte aligned, non-overlapping blocks", () => {
    const a = fresh();
    const blocks = [1, 100, 64, 65, 4096].map((bytes) => ({ ptr: a.alloc(bytes), bytes }));
    for (const { ptr } of blocks) expect(ptr % 64).toBe(0);
    const sorted = [...blocks].sort((x, y) => x.ptr - y.ptr);
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1] as { ptr: number; bytes: number };
      expect((sorted[i] as { ptr: number }).ptr).toBeGreaterThanOrEqual(
        previous.ptr + previous.bytes,
      );
    }
  });

  it("reuses a freed block of the same size, and stays flat over a repeated step", () => {
    const a = fresh();
    const keepBelow = a.alloc(64); // so the step's blocks are not the topmost
    const step = () => {
      const blocks = [a.alloc(1000), a.alloc(5000), a.alloc(300)];
      const pin = a.alloc(64);
      for (const [i, ptr] of blocks.entries()) a.free(ptr, [1000, 5000, 300][i] as number);
      return pin;
    };
    const pins = [step()];
    const reserved = a.stats().reservedBytes;
    for (let i = 0; i < 100; i++) pins.push(step());
    for (const pin of pins) a.free(pin, 64);
    a.free(keepBelow, 64);
    expect(a.stats().reservedBytes).toBe(reserved);
    expect(a.stats().liveBytes).toBe(0);
  });

  it("serves shrinking requests from larger cached blocks instead of growing", () => {
    const a = fresh();
    const guard = a.alloc(64);
    let ptr = a.alloc(64 * 1024);
    const pin = a.alloc(64); // keeps later blocks off the top
    let bytes = 64 * 1024;
    for (let i = 0; i < 20; i++) {
      a.free(ptr, bytes);
      bytes = Math.floor(bytes * 0.9);
      ptr = a.alloc(bytes);
    }
    // Exact-size caching alone would hold all 21 sizes (about 560 KB); reusing blocks up to twice
    // the request keeps the total within two of the largest.
    expect(a.stats().liveBytes + a.stats().cachedBytes).toBeLessThanOrEqual(2 * 64 * 1024 + 2 * 64);
    a.free(ptr, bytes);
    a.free(pin, 64);
    a.free(guard, 64);
    expect(a.stats().liveBlocks).toBe(0);
  });

  it("grows the memory when the bump pointer passes its end", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const a = new LinearAllocator(memory, 1024);
    a.alloc(200 * 1024);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(200 * 1024 + 1024);
  });
});
