/**
 * Gather (index-select, embedding lookup) and its adjoint, scatter-add, of
 * the js backend. Shapes: x is [outer, A, inner] around `axis`; indices are
 * J of them; the gathered result is [outer, J, inner].
 */
import type { View } from "../../backend.js";
import { type Shape, sizeOf } from "../../shape.js";
import type { Storage } from "../../storage.js";
import { isDense, offsets } from "./strided.js";

export function gather(x: View, indices: View, axis: number, out: Storage): void {
  const outer = sizeOf(x.shape.slice(0, axis));
  const extent = x.shape[axis] as number;
  const inner = sizeOf(x.shape.slice(axis + 1));
  if (isDense(x) && isDense(indices) && x.dtype === out.dtype) {
    // The common case (an embedding lookup): each index copies one contiguous run.
    const src = x.storage.array;
    const dst = out.array;
    const idx = indices.storage.array;
    const count = sizeOf(indices.shape);
    // Storages in one memory (wasm's): copyWithin on one view of it, no subarray per row.
    const same = src.buffer === dst.buffer;
    const all = same ? new (src.constructor as Float32ArrayConstructor)(src.buffer) : null;
    const srcAt = same ? src.byteOffset / src.BYTES_PER_ELEMENT : 0;
    let w = same ? dst.byteOffset / dst.BYTES_PER_ELEMENT : 0;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const from = x.offset + (o * extent + (idx[indices.offset + j] as number)) * inner;
        if (all !== null) all.copyWithin(w, srcAt + from, srcAt + from + inner);
        else (dst as Float32Array).set((src as Float32Array).subarray(from, from + inner), w);
        w += inner;
      }
    }
    return;
  }
  const dense = isDense(x);
  const at = dense ? null : offsets(x);
  const idxAt = offsets(indices);
  const idx = indices.storage.array;
  const src = x.storage.array;
  const dst = out.array;
  const count = idxAt.length;
  let w = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const row = idx[idxAt[j] as number] as number;
      const base = (o * extent + row) * inner;
      if (at === null) {
        // Dense: a run of `inner` elements in place.
        const from = x.offset + base;
        for (let i = 0; i < inner; i++) dst[w++] = src[from + i] as number;
      } else {
        for (let i = 0; i < inner; i++) dst[w++] = src[at[base + i] as number] as number;
      }
    }
  }
}

export function scatterAdd(
  updates: View,
  indices: View,
  axis: number,
  outShape: Shape,
  out: Storage,
): void {
  const outer = sizeOf(outShape.slice(0, axis));
  const extent = outShape[axis] as number;
  const inner = sizeOf(outShape.slice(axis + 1));
  if (isDense(updates) && isDense(indices)) {
    // The common case (an embedding's gradient): each index adds one contiguous run.
    const src = updates.storage.array;
    const dst = out.array;
    const idx = indices.storage.array;
    const count = sizeOf(indices.shape);
    let from = updates.offset;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        const base = (o * extent + (idx[indices.offset + j] as number)) * inner;
        for (let i = 0; i < inner; i++) {
          dst[base + i] = (dst[base + i] as number) + (src[from + i] as number);
        }
        from += inner;
      }
    }
    return;
  }
  const upAt = offsets(updates);
  const idxAt = offsets(indices);
  const idx = indices.storage.array;
  const src = updates.storage.array;
  const dst = out.array;
  const count = idxAt.length;
  let r = 0;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < count; j++) {
      const row = idx[idxAt[j] as number] as number;
      const base = (o * extent + row) * inner;
      for (let i = 0; i < inner; i++) {
        dst[base + i] = (dst[base + i] as number) + (src[upAt[r++] as number] as number);
      }
    }
  }
}
