/**
 * Whole recurrences as kernels: the T steps of one recurrent layer — per
 * step one product h_{t−1}·W_hhᵀ and one fused gate kernel, or their
 * gradients in reverse — as one call, as cuDNN's RNN calls take a whole
 * sequence. A backend sees the entire loop, so it can split the batch rows
 * over threads (rows never interact inside a recurrence) and skip the per-step
 * hand-offs; any backend without its own version runs the loops below, built
 * from its `gemm` and per-step kernels.
 *
 * Layouts: every view is contiguous. Per-step buffers are [T·B, width] with
 * step t in rows t·B … t·B+B−1; states are [B, H]; W_hh is [gates·H, H] as
 * PyTorch stores it; a mask is [T, B] with 1 for real steps and 0 for
 * padding. With `reverse`, steps run from T−1 down to 0.
 */
import type { Kernels, View } from "../backend.js";

export interface SequenceShape {
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  readonly reverse: boolean;
  /** [H·gates, H]. */
  readonly wHh: View;
  /** [T, B], or null for no mask. */
  readonly mask: View | null;
}

export interface LstmSequenceForward extends SequenceShape {
  /** [T·B, 4H]: x·W_ihᵀ + b in, gate activations (i, f, g, o) out. */
  readonly gates: View;
  readonly h0: View;
  readonly c0: View;
  /** Out [T·B, H]: c_t. */
  readonly cells: View;
  /** Out [T·B, H]: the state each step carries on (h_t, or h_{t−1} where masked). */
  readonly states: View;
  /** Out [T·B, H]: outputs, 0 where masked (may be `states` itself when there is no mask). */
  readonly y: View;
}

export interface LstmSequenceBackward extends SequenceShape {
  /** [T·B, 4H] saved activations. */
  readonly gates: View;
  /** [T·B, H] saved c_t. */
  readonly cells: View;
  readonly c0: View;
  /** [T·B, H] ∂L/∂y, or null. */
  readonly dy: View | null;
  /** [B, H]: in ∂L/∂h after the last step processed, out ∂L/∂h0. */
  readonly dh: View;
  /** [B, H]: in ∂L/∂c after the last step processed, out ∂L/∂c0. */
  readonly dc: View;
  /** Out [T·B, 4H]: ∂L/∂(gate pre-activations). */
  readonly dGates: View;
  /** [B, H] of scratch. */
  readonly scratch: View;
}

export interface GruSequenceForward extends SequenceShape {
  /** [T·B, 3H]: x·W_ihᵀ + b_ih. */
  readonly xp: View;
  /** [T·B, 3H]: b_hh in every row; out h_{t−1}·W_hhᵀ + b_hh (kept for backward). */
  readonly hp: View;
  /** Out [T·B, 3H]: (r, z, n). */
  readonly gates: View;
  readonly h0: View;
  readonly states: View;
  readonly y: View;
}

export interface GruSequenceBackward extends SequenceShape {
  readonly gates: View;
  readonly hp: View;
  /** [T·B, H] saved carried states. */
  readonly states: View;
  readonly h0: View;
  readonly dy: View | null;
  /** [B, H]: in ∂L/∂h after the last step processed, out ∂L/∂h0. */
  readonly dh: View;
  /** Out [T·B, 3H]: ∂L/∂xp. */
  readonly dxp: View;
  /** Out [T·B, 3H]: ∂L/∂hp. */
  readonly dhp: View;
  readonly scratch: View;
}

export interface RnnSequenceForward extends SequenceShape {
  readonly activation: "tanh" | "relu";
  /** [T·B, H]: x·W_ihᵀ + b in, activations out. */
  readonly pre: View;
  readonly h0: View;
  readonly states: View;
  readonly y: View;
}

export interface RnnSequenceBackward extends SequenceShape {
  readonly activation: "tanh" | "relu";
  /** [T·B, H] saved activations. */
  readonly act: View;
  readonly dy: View | null;
  /** [B, H]: in ∂L/∂h after the last step processed, out ∂L/∂h0. */
  readonly dh: View;
  /** Out [T·B, H]: ∂L/∂(pre-activations). */
  readonly dPre: View;
  readonly scratch: View;
}

/** Rows [row, row + rows) of a contiguous view, as a [rows, width] matrix. */
export function rowsOf(v: View, row: number, rows: number, width: number): View {
  return {
    storage: v.storage,
    dtype: v.dtype,
    shape: [rows, width],
    strides: [width, 1],
    offset: v.offset + row * width,
  };
}

/** Step t of a contiguous [T, B] mask as a [B, 1] column, or null without a mask. */
function maskAt(mask: View | null, t: number, batch: number): View | null {
  // Spelled out, not spread: a Tensor's dtype is a getter, which a spread would drop.
  return mask === null
    ? null
    : {
        storage: mask.storage,
        dtype: mask.dtype,
        shape: [batch, 1],
        strides: [1, 1],
        offset: mask.offset + t * batch,
      };
}

const plain = { transposeA: false, transposeB: true, alpha: 1, beta: 1 } as const;
const throughW = { transposeA: false, transposeB: false, alpha: 1, beta: 1 } as const;

type Step = "gemm" | "copyInto";

export function lstmSequenceForward(
  k: Pick<Kernels, Step | "lstmForward">,
  a: LstmSequenceForward,
): void {
  const { steps: T, batch: B, hidden: H } = a;
  let hPrev = a.h0;
  let cPrev = a.c0;
  for (let s = 0; s < T; s++) {
    const t = a.reverse ? T - 1 - s : s;
    const gates = rowsOf(a.gates, t * B, B, 4 * H);
    k.gemm(hPrev, a.wHh, gates, plain);
    const c = rowsOf(a.cells, t * B, B, H);
    const h = rowsOf(a.states, t * B, B, H);
    const y = rowsOf(a.y, t * B, B, H);
    const mask = maskAt(a.mask, t, B);
    k.lstmForward({ batch: B, hidden: H, gates, cPrev, hPrev, c, h, y, mask });
    hPrev = h;
    cPrev = c;
  }
}

export function lstmSequenceBackward(
  k: Pick<Kernels, Step | "lstmBackward">,
  a: LstmSequenceBackward,
): void {
  const { steps: T, batch: B, hidden: H } = a;
  let dh = a.dh;
  let pass = a.scratch;
  for (let s = T - 1; s >= 0; s--) {
    const t = a.reverse ? T - 1 - s : s;
    const previous = a.reverse ? t + 1 : t - 1; // the step processed just before t
    const dGates = rowsOf(a.dGates, t * B, B, 4 * H);
    k.lstmBackward({
      batch: B,
      hidden: H,
      gates: rowsOf(a.gates, t * B, B, 4 * H),
      cPrev: s === 0 ? a.c0 : rowsOf(a.cells, previous * B, B, H),
      c: rowsOf(a.cells, t * B, B, H),
      mask: maskAt(a.mask, t, B),
      dh,
      dy: a.dy === null ? null : rowsOf(a.dy, t * B, B, H),
      dc: a.dc,
      dGates,
      dhPass: pass,
    });
    k.gemm(dGates, a.wHh, pass, throughW); // ∂L/∂h_{t−1} = dhPass + dG_t·W_hh
    [dh, pass] = [pass, dh];
  }
  if (dh !== a.dh) k.copyInto(dh, a.dh);
}

export function gruSequenceForward(
  k: Pick<Kernels, Step | "gruForward">,
  a: GruSequenceForward,
): void {
  const { steps: T, batch: B, hidden: H } = a;
  let hPrev = a.h0;
  for (let s = 0; s < T; s++) {
    const t = a.reverse ? T - 1 - s : s;
    const hp = rowsOf(a.hp, t * B, B, 3 * H);
    k.gemm(hPrev, a.wHh, hp, plain);
    const h = rowsOf(a.states, t * B, B, H);
    k.gruForward({
      batch: B,
      hidden: H,
      xp: rowsOf(a.xp, t * B, B, 3 * H),
      hp,
      gates: rowsOf(a.gates, t * B, B, 3 * H),
      hPrev,
      h,
      y: rowsOf(a.y, t * B, B, H),
      mask: maskAt(a.mask, t, B),
    });
    hPrev = h;
  }
}

export function gruSequenceBackward(
  k: Pick<Kernels, Step | "gruBackward">,
  a: GruSequenceBackward,
): void {
  const { steps: T, batch: B, hidden: H } = a;
  let dh = a.dh;
  let pass = a.scratch;
  for (let s = T - 1; s >= 0; s--) {
    const t = a.reverse ? T - 1 - s : s;
    const previous = a.reverse ? t + 1 : t - 1;
    const dhp = rowsOf(a.dhp, t * B, B, 3 * H);
    k.gruBackward({
      batch: B,
      hidden: H,
      gates: rowsOf(a.gates, t * B, B, 3 * H),
      hp: rowsOf(a.hp, t * B, B, 3 * H),
      hPrev: s === 0 ? a.h0 : rowsOf(a.states, previous * B, B, H),
      mask: maskAt(a.mask, t, B),
      dh,
      dy: a.dy === null ? null : rowsOf(a.dy, t * B, B, H),
      dxp: rowsOf(a.dxp, t * B, B, 3 * H),
      dhp,
      dhPass: pass,
    });
    k.gemm(dhp, a.wHh, pass, throughW); // ∂L/∂h_{t−1} = dh·z + dhp_t·W_hh
    [dh, pass] = [pass, dh];
  }
  if (dh !== a.dh) k.copyInto(dh, a.dh);
}

export function rnnSequenceForward(
  k: Pick<Kernels, Step | "rnnForward">,
  a: RnnSequenceForward,
): void {
  const { steps: T, batch: B, hidden: H, activation } = a;
  let hPrev = a.h0;
  for (let s = 0; s < T; s++) {
    const t = a.reverse ? T - 1 - s : s;
    const pre = rowsOf(a.pre, t * B, B, H);
    k.gemm(hPrev, a.wHh, pre, plain);
    const h = rowsOf(a.states, t * B, B, H);
    const y = rowsOf(a.y, t * B, B, H);
    k.rnnForward({ batch: B, hidden: H, activation, pre, hPrev, h, y, mask: maskAt(a.mask, t, B) });
    hPrev = h;
  }
}

export function rnnSequenceBackward(
  k: Pick<Kernels, Step | "rnnBackward">,
  a: RnnSequenceBackward,
): void {
  const { steps: T, batch: B, hidden: H, activation } = a;
  let dh = a.dh;
  let pass = a.scratch;
  for (let s = T - 1; s >= 0; s--) {
    const t = a.reverse ? T - 1 - s : s;
    const dPre = rowsOf(a.dPre, t * B, B, H);
    k.rnnBackward({
      batch: B,
      hidden: H,
      activation,
      act: rowsOf(a.act, t * B, B, H),
      mask: maskAt(a.mask, t, B),
      dh,
      dy: a.dy === null ? null : rowsOf(a.dy, t * B, B, H),
      dPre,
      dhPass: pass,
    });
    k.gemm(dPre, a.wHh, pass, throughW); // ∂L/∂h_{t−1} = dhPass + dpre_t·W_hh
    [dh, pass] = [pass, dh];
  }
  if (dh !== a.dh) k.copyInto(dh, a.dh);
}
