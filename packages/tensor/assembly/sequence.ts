// Whole recurrences: the T steps of one layer (one GEMM h₋·W_hhᵀ and one fused gate kernel
// per step, or their gradients) as a single call, over the batch rows [row0, row0 + rows).
//
// Why: the rows of a batch never interact inside a recurrence (row b of h_t depends only on
// row b of h_{t−1}), so a batch split into row blocks gives independent recurrences that worker
// threads run side by side with no synchronisation between steps; and one call per sequence
// instead of two per step takes the JS↔wasm hand-offs out of the time loop.
//
// Layouts (all f32, rows contiguous): per-step buffers are [T·B, width] with step t at rows
// t·B … t·B+B−1; states such as h0, c0, dh, dc and scratch are [B, H]; W_hh is [gates·H, H];
// a mask is [T, B] (1 real, 0 padding) or 0 for none; dy is [T·B, H] or 0 for none. `work`
// holds sgemmWorkBytes(rows, gates·H, gates·H) bytes. With `reverse`, steps run T−1 → 0.
//
// The recurrent weights come packed once per sequence by packWholeB (gemm.ts), as the
// product of each step reads them: `wT` is op(B) = W_hhᵀ [H, gates·H] for the forward steps,
// `w` is op(B) = W_hh [gates·H, H] for the backward ones. Packing them at every step cost
// about a tenth of the step's time; packed once, all threads share the one copy.

import { sgemmPackedB } from "./gemm";
import { gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from "./recurrent";

// @ts-ignore: decorator
@inline
function stepAt(steps: i32, reverse: i32, s: i32): i32 {
  return reverse != 0 ? steps - 1 - s : s;
}

/** Address of row `row` of a [*, width] f32 buffer. */
// @ts-ignore: decorator
@inline
function row(ptr: usize, row: i32, width: i32): usize {
  return ptr + ((<usize>row * <usize>width) << 2);
}

// @ts-ignore: decorator
@inline
function maskRow(mask: usize, row: i32): usize {
  return mask == 0 ? 0 : mask + (<usize>row << 2);
}

/** After an odd number of ping-pong steps the result sits in `scratch`: move it to `dh`. */
function settle(steps: i32, dh: usize, scratch: usize, rows: i32, hidden: i32): void {
  if ((steps & 1) != 0) memory.copy(dh, scratch, <usize>(rows * hidden) << 2);
}

/** LSTM forward: gates [T·B, 4H] in x·W_ihᵀ + b, out (i, f, g, o); c and h [T·B, H]. */
export function lstmSequenceForward(
  steps: i32, batch: i32, hidden: i32, reverse: i32, row0: i32, rows: i32,
  gates: usize, wT: usize, h0: usize, c0: usize, cells: usize, states: usize, y: usize,
  mask: usize, work: usize,
): void {
  const H = hidden;
  const G = 4 * H;
  let hPrev = row(h0, row0, H);
  let cPrev = row(c0, row0, H);
  for (let s = 0; s < steps; s++) {
    const r = stepAt(steps, reverse, s) * batch + row0;
    const g = row(gates, r, G);
    sgemmPackedB(0, rows, G, H, 1, hPrev, H, wT, 1, g, G, work);
    const c = row(cells, r, H);
    const h = row(states, r, H);
    lstmForward(rows, H, g, G, cPrev, H, hPrev, H, c, H, h, H, row(y, r, H), H, maskRow(mask, r));
    hPrev = h;
    cPrev = c;
  }
}

/** LSTM backward: dh, dc [B, H] in at the last step, out at the start; dGates [T·B, 4H] out. */
export function lstmSequenceBackward(
  steps: i32, batch: i32, hidden: i32, reverse: i32, row0: i32, rows: i32,
  gates: usize, cells: usize, c0: usize, w: usize, mask: usize, dy: usize,
  dh: usize, dc: usize, dGates: usize, scratch: usize, work: usize,
): void {
  const H = hidden;
  const G = 4 * H;
  let d = row(dh, row0, H);
  let pass = row(scratch, row0, H);
  const dcRows = row(dc, row0, H);
  for (let s = steps - 1; s >= 0; s--) {
    const t = stepAt(steps, reverse, s);
    const r = t * batch + row0;
    const previous = reverse != 0 ? t + 1 : t - 1;
    const cPrev = s == 0 ? row(c0, row0, H) : row(cells, previous * batch + row0, H);
    const dG = row(dGates, r, G);
    const dyRow = dy == 0 ? 0 : row(dy, r, H);
    lstmBackward(rows, H, row(gates, r, G), G, cPrev, H, row(cells, r, H), H, maskRow(mask, r),
      d, H, dyRow, H, dcRows, H, dG, G, pass, H);
    // ∂L/∂h_{t−1} = dhPass + dG_t·W_hh
    sgemmPackedB(0, rows, H, G, 1, dG, G, w, 1, pass, H, work);
    const swap = d;
    d = pass;
    pass = swap;
  }
  settle(steps, row(dh, row0, H), row(scratch, row0, H), rows, H);
}

/** GRU forward: hp [T·B, 3H] in b_hh rows, out + h₋·W_hhᵀ; gates (r, z, n) [T·B, 3H] out. */
export function gruSequenceForward(
  steps: i32, batch: i32, hidden: i32, reverse: i32, row0: i32, rows: i32,
  xp: usize, hp: usize, gates: usize, wT: usize, h0: usize, states: usize, y: usize,
  mask: usize, work: usize,
): void {
  const H = hidden;
  const G = 3 * H;
  let hPrev = row(h0, row0, H);
  for (let s = 0; s < steps; s++) {
    const r = stepAt(steps, reverse, s) * batch + row0;
    const hpT = row(hp, r, G);
    sgemmPackedB(0, rows, G, H, 1, hPrev, H, wT, 1, hpT, G, work);
    const h = row(states, r, H);
    gruForward(rows, H, row(xp, r, G), G, hpT, G, row(gates, r, G), G, hPrev, H, h, H, row(y, r, H), H,
      maskRow(mask, r));
    hPrev = h;
  }
}

/** GRU backward: dh [B, H] in at the last step, out at the start; dxp, dhp [T·B, 3H] out. */
export function gruSequenceBackward(
  steps: i32, batch: i32, hidden: i32, reverse: i32, row0: i32, rows: i32,
  gates: usize, hp: usize, states: usize, h0: usize, w: usize, mask: usize, dy: usize,
  dh: usize, dxp: usize, dhp: usize, scratch: usize, work: usize,
): void {
  const H = hidden;
  const G = 3 * H;
  let d = row(dh, row0, H);
  let pass = row(scratch, row0, H);
  for (let s = steps - 1; s >= 0; s--) {
    const t = stepAt(steps, reverse, s);
    const r = t * batch + row0;
    const previous = reverse != 0 ? t + 1 : t - 1;
    const hPrev = s == 0 ? row(h0, row0, H) : row(states, previous * batch + row0, H);
    const dhpT = row(dhp, r, G);
    const dyRow = dy == 0 ? 0 : row(dy, r, H);
    gruBackward(rows, H, row(gates, r, G), G, row(hp, r, G), G, hPrev, H, maskRow(mask, r),
      d, H, dyRow, H, row(dxp, r, G), G, dhpT, G, pass, H);
    // ∂L/∂h_{t−1} = dh·z + dhp_t·W_hh
    sgemmPackedB(0, rows, H, G, 1, dhpT, G, w, 1, pass, H, work);
    const swap = d;
    d = pass;
    pass = swap;
  }
  settle(steps, row(dh, row0, H), row(scratch, row0, H), rows, H);
}

/** Elman RNN forward: pre [T·B, H] in x·W_ihᵀ + b, out the activations (relu = 1, tanh = 0). */
export function rnnSequenceForward(
  steps: i32, batch: i32, hidden: i32, relu: i32, reverse: i32, row0: i32, rows: i32,
  pre: usize, wT: usize, h0: usize, states: usize, y: usize, mask: usize, work: usize,
): void {
  const H = hidden;
  let hPrev = row(h0, row0, H);
  for (let s = 0; s < steps; s++) {
    const r = stepAt(steps, reverse, s) * batch + row0;
    const p = row(pre, r, H);
    sgemmPackedB(0, rows, H, H, 1, hPrev, H, wT, 1, p, H, work);
    const h = row(states, r, H);
    rnnForward(rows, H, relu, p, H, hPrev, H, h, H, row(y, r, H), H, maskRow(mask, r));
    hPrev = h;
  }
}

/** Elman RNN backward: dh [B, H] in at the last step, out at the start; dPre [T·B, H] out. */
export function rnnSequenceBackward(
  steps: i32, batch: i32, hidden: i32, relu: i32, reverse: i32, row0: i32, rows: i32,
  act: usize, w: usize, mask: usize, dy: usize, dh: usize, dPre: usize, scratch: usize,
  work: usize,
): void {
  const H = hidden;
  let d = row(dh, row0, H);
  let pass = row(scratch, row0, H);
  for (let s = steps - 1; s >= 0; s--) {
    const r = stepAt(steps, reverse, s) * batch + row0;
    const dp = row(dPre, r, H);
    const dyRow = dy == 0 ? 0 : row(dy, r, H);
    rnnBackward(rows, H, relu, row(act, r, H), H, maskRow(mask, r), d, H, dyRow, H, dp, H, pass, H);
    // ∂L/∂h_{t−1} = dhPass + dpre_t·W_hh
    sgemmPackedB(0, rows, H, H, 1, dp, H, w, 1, pass, H, work);
    const swap = d;
    d = pass;
    pass = swap;
  }
  settle(steps, row(dh, row0, H), row(scratch, row0, H), rows, H);
}
