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
import type { SequenceShape } from "../sequence.js";
import * as sequence from "../sequence.js";
import type { WasmBackend } from "./backend.js";
import type { WasmSequenceKernels } from "./kernels.js";

type Sequence = Pick<
  Kernels,
  | "lstmSequenceForward"
  | "lstmSequenceBackward"
  | "gruSequenceForward"
  | "gruSequenceBackward"
  | "rnnSequenceForward"
  | "rnnSequenceBackward"
>;

export function sequenceKernels(backend: WasmBackend): Sequence {
  /** Byte addresses of dense float32 views in linear memory (0 for null), or null if any is not. */
  const dense = (views: readonly (View | null)[]): number[] | null => {
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

  /**
   * Runs kernel `name` over `buffers` (its pointer arguments in order, W_hh among them, which
   * the kernel receives packed: W_hhᵀ for the forward steps, W_hh for the backward ones), or
   * `loop` when a buffer cannot go to wasm. `gates` is the number of H-wide gate blocks.
   */
  const run = (
    name: keyof WasmSequenceKernels,
    a: SequenceShape,
    gates: number,
    buffers: readonly (View | null)[],
    loop: () => void,
    relu?: boolean,
  ): void => {
    const p = dense(buffers);
    if (p === null) {
      loop();
      return;
    }
    const { steps: T, batch: B, hidden: H } = a;
    if (T * B * H === 0) return;
    const G = gates * H;
    const at = buffers.indexOf(a.wHh);
    const b = p[at] as number;
    const weights = name.endsWith("Forward")
      ? { transB: 1, n: G, k: H, b, ldb: H }
      : { transB: 0, n: H, k: G, b, ldb: H };
    const head = relu === undefined ? [T, B, H] : [T, B, H, relu ? 1 : 0];
    const work = backend.wasm.sgemmWorkBytes(B, G, G);
    backend.runRows(name, B, T * B * G * H, work, weights, (row0, rows, w, packed) => [
      ...head,
      a.reverse ? 1 : 0,
      row0,
      rows,
      ...p.map((ptr, i) => (i === at ? packed : ptr)),
      w,
    ]);
  };

  return {
    lstmSequenceForward: (a) =>
      run(
        "lstmSequenceForward",
        a,
        4,
        [a.gates, a.wHh, a.h0, a.c0, a.cells, a.states, a.y, a.mask],
        () => sequence.lstmSequenceForward(stepKernels(), a),
      ),
    lstmSequenceBackward: (a) =>
      run(
        "lstmSequenceBackward",
        a,
        4,
        [a.gates, a.cells, a.c0, a.wHh, a.mask, a.dy, a.dh, a.dc, a.dGates, a.scratch],
        () => sequence.lstmSequenceBackward(stepKernels(), a),
      ),
    gruSequenceForward: (a) =>
      run(
        "gruSequenceForward",
        a,
        3,
        [a.xp, a.hp, a.gates, a.wHh, a.h0, a.states, a.y, a.mask],
        () => sequence.gruSequenceForward(stepKernels(), a),
      ),
    gruSequenceBackward: (a) =>
      run(
        "gruSequenceBackward",
        a,
        3,
        [a.gates, a.hp, a.states, a.h0, a.wHh, a.mask, a.dy, a.dh, a.dxp, a.dhp, a.scratch],
        () => sequence.gruSequenceBackward(stepKernels(), a),
      ),
    rnnSequenceForward: (a) =>
      run(
        "rnnSequenceForward",
        a,
        1,
        [a.pre, a.wHh, a.h0, a.states, a.y, a.mask],
        () => sequence.rnnSequenceForward(stepKernels(), a),
        a.activation === "relu",
      ),
    rnnSequenceBackward: (a) =>
      run(
        "rnnSequenceBackward",
        a,
        1,
        [a.act, a.wHh, a.mask, a.dy, a.dh, a.dPre, a.scratch],
        () => sequence.rnnSequenceBackward(stepKernels(), a),
        a.activation === "relu",
      ),
  };
}
