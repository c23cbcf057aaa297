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
  /**
   * Calls kernel `name` with `head`, then [address, row stride] of each view in `before`, the
   * mask, and those of `after` (the order of assembly/recurrent.ts), or runs `fallback` when a
   * view cannot go to the SIMD kernel.
   */
  const call = (
    name: keyof Recurrent,
    head: readonly number[],
    before: readonly (View | null)[],
    mask: View | null,
    after: readonly (View | null)[],
    fallback: () => void,
  ): void => {
    const p = rows(...before);
    const q = rows(...after);
    const m = maskPointer(mask);
    if (p === null || q === null || m === null) fallback();
    else (w[name] as (...args: number[]) => void)(...head, ...p, m, ...q);
  };
  const relu = (a: { activation: "tanh" | "relu" }) => (a.activation === "relu" ? 1 : 0);
  return {
    lstmForward: (a) =>
      call(
        "lstmForward",
        [a.batch, a.hidden],
        [a.gates, a.cPrev, a.hPrev, a.c, a.h, a.y],
        a.mask,
        [],
        () => jsKernels.lstmForward(a),
      ),
    lstmBackward: (a) =>
      call(
        "lstmBackward",
        [a.batch, a.hidden],
        [a.gates, a.cPrev, a.c],
        a.mask,
        [a.dh, a.dy, a.dc, a.dGates, a.dhPass],
        () => jsKernels.lstmBackward(a),
      ),
    gruForward: (a) =>
      call(
        "gruForward",
        [a.batch, a.hidden],
        [a.xp, a.hp, a.gates, a.hPrev, a.h, a.y],
        a.mask,
        [],
        () => jsKernels.gruForward(a),
      ),
    gruBackward: (a) =>
      call(
        "gruBackward",
        [a.batch, a.hidden],
        [a.gates, a.hp, a.hPrev],
        a.mask,
        [a.dh, a.dy, a.dxp, a.dhp, a.dhPass],
        () => jsKernels.gruBackward(a),
      ),
    rnnForward: (a) =>
      call("rnnForward", [a.batch, a.hidden, relu(a)], [a.pre, a.hPrev, a.h, a.y], a.mask, [], () =>
        jsKernels.rnnForward(a),
      ),
    rnnBackward: (a) =>
      call(
        "rnnBackward",
        [a.batch, a.hidden, relu(a)],
        [a.act],
        a.mask,
        [a.dh, a.dy, a.dPre, a.dhPass],
        () => jsKernels.rnnBackward(a),
      ),
  };
}
