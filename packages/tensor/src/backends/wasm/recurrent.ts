/**
 * The wasm backend's fused recurrent kernels: each call hands the SIMD twin
 * in assembly/recurrent.ts the byte addresses and row strides of its views,
 * or falls back to the js kernel when a view is not float32 in linear memory
 * with contiguous rows.
 */
import type { Kernels, View } from "../../backend.js";
import { jsKernels } from "../js/backend.js";
import { isDense } from "../js/strided.js";
import * as sequence from "../sequence.js";
import type { WasmBackend } from "./backend.js";

type Recurrent = Pick<
  Kernels,
  | "lstmForward"
  | "lstmBackward"
  | "gruForward"
  | "gruBackward"
  | "rnnForward"
  | "rnnBackward"
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

export function recurrentKernels(backend: WasmBackend): Recurrent {
  const w = backend.wasm;
  /** [address, row stride] of each view, or null if any cannot be read by the SIMD kernels. */
  const rows = (...views: (View | null)[]): number[] | null => {
    const out: number[] = [];
    for (const v of views) {
      if (v === null) {
        out.push(0, 0);
        continue;
      }
      const address = backend.address(v);
      if (address === null || v.dtype !== "float32" || (v.shape[1] !== 1 && v.strides[1] !== 1))
        return null;
      out.push(address, v.strides[0] as number);
    }
    return out;
  };
  const maskPointer = (mask: View | null): number | null => {
    if (mask === null) return 0;
    const address = backend.address(mask);
    return address !== null && mask.dtype === "float32" && mask.strides[0] === 1 ? address : null;
  };
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
    lstmForward(a) {
      const p = rows(a.gates, a.cPrev, a.hPrev, a.c, a.h, a.y);
      const m = maskPointer(a.mask);
      if (p === null || m === null) return jsKernels.lstmForward(a);
      const [g, gs, cp, cps, hp, hps, c, cs, h, hs, y, ys] = p as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      w.lstmForward(a.batch, a.hidden, g, gs, cp, cps, hp, hps, c, cs, h, hs, y, ys, m);
    },
    lstmBackward(a) {
      const p = rows(a.gates, a.cPrev, a.c, a.dh, a.dy, a.dc, a.dGates, a.dhPass);
      const m = maskPointer(a.mask);
      if (p === null || m === null) return jsKernels.lstmBackward(a);
      const [g, gs, cp, cps, c, cs, dh, dhs, dy, dys, dc, dcs, dg, dgs, dp, dps] =
        p as number[] as [
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
        ];
      w.lstmBackward(
        a.batch,
        a.hidden,
        g,
        gs,
        cp,
        cps,
        c,
        cs,
        m,
        dh,
        dhs,
        dy,
        dys,
        dc,
        dcs,
        dg,
        dgs,
        dp,
        dps,
      );
    },
    gruForward(a) {
      const p = rows(a.xp, a.hp, a.gates, a.hPrev, a.h, a.y);
      const m = maskPointer(a.mask);
      if (p === null || m === null) return jsKernels.gruForward(a);
      const [x, xs, hp, hps, g, gs, pr, prs, h, hs, y, ys] = p as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      w.gruForward(a.batch, a.hidden, x, xs, hp, hps, g, gs, pr, prs, h, hs, y, ys, m);
    },
    gruBackward(a) {
      const p = rows(a.gates, a.hp, a.hPrev, a.dh, a.dy, a.dxp, a.dhp, a.dhPass);
      const m = maskPointer(a.mask);
      if (p === null || m === null) return jsKernels.gruBackward(a);
      const [g, gs, hp, hps, pr, prs, dh, dhs, dy, dys, dx, dxs, dhp, dhps, dp, dps] =
        p as number[] as [
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
          number,
        ];
      w.gruBackward(
        a.batch,
        a.hidden,
        g,
        gs,
        hp,
        hps,
        pr,
        prs,
        m,
        dh,
        dhs,
        dy,
        dys,
        dx,
        dxs,
        dhp,
        dhps,
        dp,
        dps,
      );
    },
    rnnForward(a) {
      const p = rows(a.pre, a.hPrev, a.h, a.y);
      const m = maskPointer(a.mask);
      if (p === null || m === null) return jsKernels.rnnForward(a);
      const [pre, ps, pr, prs, h, hs, y, ys] = p as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      w.rnnForward(
        a.batch,
        a.hidden,
        a.activation === "relu" ? 1 : 0,
        pre,
        ps,
        pr,
        prs,
        h,
        hs,
        y,
        ys,
        m,
      );
    },
    rnnBackward(a) {
      const p = rows(a.act, a.dh, a.dy, a.dPre, a.dhPass);
      const m = maskPointer(a.mask);
      if (p === null || m === null) return jsKernels.rnnBackward(a);
      const [act, as, dh, dhs, dy, dys, dp, dps, pp, pps] = p as [
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      w.rnnBackward(
        a.batch,
        a.hidden,
        a.activation === "relu" ? 1 : 0,
        act,
        as,
        m,
        dh,
        dhs,
        dy,
        dys,
        dp,
        dps,
        pp,
        pps,
      );
    },
  };
}
