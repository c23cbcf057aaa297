/**
 * The wasm backend's fused recurrent kernels: each call hands the SIMD twin
 * in assembly/recurrent.ts the byte addresses and row strides of its views,
 * or falls back to the js kernel when a view is not float32 in linear memory
 * with contiguous rows.
 */
import type { Kernels, View } from "../../backend.js";
import { jsKernels } from "../js/backend.js";
import type { WasmBackend } from "./backend.js";

type Recurrent = Pick<
  Kernels,
  "lstmForward" | "lstmBackward" | "gruForward" | "gruBackward" | "rnnForward" | "rnnBackward"
>;

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
  return {
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
