/**
 * The wasm backend's whole-recurrence kernels: each call hands the loops of
 * assembly/sequence.ts the byte addresses of its (dense, float32) buffers and
 * W_hh packed once for all steps, and lets the backend run them on one
 * thread or split by batch rows over its thread pool (`runRows`). Operands
 * the loops cannot take (float64, odd layouts, another backend's storage) run
 * the per-step loops of ../sequence.ts over this backend's kernels.
 */
import type { Kernels, View } from "../../backend.js";
import { jsKernels } from "../js/backend.js";
import { isDense } from "../js/strided.js";
import * as sequence from "../sequence.js";
import type { WasmBackend } from "./backend.js";

type Sequence = Pick<
  Kernels,
  | "lstmSequenceForward"
  | "lstmSequenceBackward"
  | "gruSequenceForward"
  | "gruSequenceBackward"
  | "rnnSequenceForward"
  | "rnnSequenceBackward"
>;

type Ptrs<N extends number, T extends number[] = []> = T["length"] extends N
  ? T
  : Ptrs<N, [...T, number]>;

export function sequenceKernels(backend: WasmBackend): Sequence {
  const w = backend.wasm;
  /** Byte addresses of dense float32 views in linear memory (0 for null), or null if any is not. */
  const dense = (...views: (View | null)[]): number[] | null => {
    const out: number[] = [];
    for (const v of views) {
      const address = v === null ? 0 : backend.address(v);
      if (address === null || (v !== null && (v.dtype !== "float32" || !isDense(v)))) return null;
      out.push(address);
    }
    return out;
  };
  // The per-step loops, for operands the sequence kernels cannot take (float64, odd layouts).
  const stepKernels = (): Kernels => ({ ...jsKernels, ...backend.kernels });
  const flag = (on: boolean) => (on ? 1 : 0);
  /** Scratch for the GEMMs of a block of rows of a recurrence with `gates`·H-wide products. */
  const workFor = (batch: number, width: number) => w.sgemmWorkBytes(batch, width, width);
  /** W_hh [G, H] as the forward steps read it: op(B) = W_hhᵀ [H, G]. */
  const transposed = (b: number, G: number, H: number) => ({ transB: 1, n: G, k: H, b, ldb: H });
  /** W_hh [G, H] as the backward steps read it: op(B) = W_hh. */
  const plain = (b: number, G: number, H: number) => ({ transB: 0, n: H, k: G, b, ldb: H });
  return {
    lstmSequenceForward(a) {
      const p = dense(a.gates, a.wHh, a.h0, a.c0, a.cells, a.states, a.y, a.mask);
      if (p === null) return sequence.lstmSequenceForward(stepKernels(), a);
      const { steps: T, batch: B, hidden: H } = a;
      if (T * B * H === 0) return;
      const [g, wHh, h0, c0, cells, states, y, mask] = p as number[] as Ptrs<8>;
      backend.runRows(
        "lstmSequenceForward",
        B,
        T * B * 4 * H * H,
        workFor(B, 4 * H),
        transposed(wHh, 4 * H, H),
        (r0, rows, work, packed) => [
          T,
          B,
          H,
          flag(a.reverse),
          r0,
          rows,
          g,
          packed,
          h0,
          c0,
          cells,
          states,
          y,
          mask,
          work,
        ],
      );
    },
    lstmSequenceBackward(a) {
      const p = dense(a.gates, a.cells, a.c0, a.wHh, a.mask, a.dy, a.dh, a.dc, a.dGates, a.scratch);
      if (p === null) return sequence.lstmSequenceBackward(stepKernels(), a);
      const { steps: T, batch: B, hidden: H } = a;
      if (T * B * H === 0) return;
      const [g, cells, c0, wHh, mask, dy, dh, dc, dG, scratch] = p as number[] as Ptrs<10>;
      backend.runRows(
        "lstmSequenceBackward",
        B,
        T * B * 4 * H * H,
        workFor(B, 4 * H),
        plain(wHh, 4 * H, H),
        (r0, rows, work, packed) => [
          T,
          B,
          H,
          flag(a.reverse),
          r0,
          rows,
          g,
          cells,
          c0,
          packed,
          mask,
          dy,
          dh,
          dc,
          dG,
          scratch,
          work,
        ],
      );
    },
    gruSequenceForward(a) {
      const p = dense(a.xp, a.hp, a.gates, a.wHh, a.h0, a.states, a.y, a.mask);
      if (p === null) return sequence.gruSequenceForward(stepKernels(), a);
      const { steps: T, batch: B, hidden: H } = a;
      if (T * B * H === 0) return;
      const [xp, hp, g, wHh, h0, states, y, mask] = p as number[] as Ptrs<8>;
      backend.runRows(
        "gruSequenceForward",
        B,
        T * B * 3 * H * H,
        workFor(B, 3 * H),
        transposed(wHh, 3 * H, H),
        (r0, rows, work, packed) => [
          T,
          B,
          H,
          flag(a.reverse),
          r0,
          rows,
          xp,
          hp,
          g,
          packed,
          h0,
          states,
          y,
          mask,
          work,
        ],
      );
    },
    gruSequenceBackward(a) {
      const p = dense(
        a.gates,
        a.hp,
        a.states,
        a.h0,
        a.wHh,
        a.mask,
        a.dy,
        a.dh,
        a.dxp,
        a.dhp,
        a.scratch,
      );
      if (p === null) return sequence.gruSequenceBackward(stepKernels(), a);
      const { steps: T, batch: B, hidden: H } = a;
      if (T * B * H === 0) return;
      const [g, hp, states, h0, wHh, mask, dy, dh, dxp, dhp, scratch] = p as number[] as Ptrs<11>;
      backend.runRows(
        "gruSequenceBackward",
        B,
        T * B * 3 * H * H,
        workFor(B, 3 * H),
        plain(wHh, 3 * H, H),
        (r0, rows, work, packed) => [
          T,
          B,
          H,
          flag(a.reverse),
          r0,
          rows,
          g,
          hp,
          states,
          h0,
          packed,
          mask,
          dy,
          dh,
          dxp,
          dhp,
          scratch,
          work,
        ],
      );
    },
    rnnSequenceForward(a) {
      const p = dense(a.pre, a.wHh, a.h0, a.states, a.y, a.mask);
      if (p === null) return sequence.rnnSequenceForward(stepKernels(), a);
      const { steps: T, batch: B, hidden: H } = a;
      if (T * B * H === 0) return;
      const [pre, wHh, h0, states, y, mask] = p as number[] as Ptrs<6>;
      const relu = flag(a.activation === "relu");
      backend.runRows(
        "rnnSequenceForward",
        B,
        T * B * H * H,
        workFor(B, H),
        transposed(wHh, H, H),
        (r0, rows, work, packed) => [
          T,
          B,
          H,
          relu,
          flag(a.reverse),
          r0,
          rows,
          pre,
          packed,
          h0,
          states,
          y,
          mask,
          work,
        ],
      );
    },
    rnnSequenceBackward(a) {
      const p = dense(a.act, a.wHh, a.mask, a.dy, a.dh, a.dPre, a.scratch);
      if (p === null) return sequence.rnnSequenceBackward(stepKernels(), a);
      const { steps: T, batch: B, hidden: H } = a;
      if (T * B * H === 0) return;
      const [act, wHh, mask, dy, dh, dPre, scratch] = p as number[] as Ptrs<7>;
      const relu = flag(a.activation === "relu");
      backend.runRows(
        "rnnSequenceBackward",
        B,
        T * B * H * H,
        workFor(B, H),
        plain(wHh, H, H),
        (r0, rows, work, packed) => [
          T,
          B,
          H,
          relu,
          flag(a.reverse),
          r0,
          rows,
          act,
          packed,
          mask,
          dy,
          dh,
          dPre,
          scratch,
          work,
        ],
      );
    },
  };
}
