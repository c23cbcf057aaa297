/**
 * Fused pointwise kernels of the recurrent cells, one time step over a batch
 * of rows: the gate arithmetic of LSTM, GRU (PyTorch's formulation) and the
 * Elman RNN, forward and backward. The matrix products stay outside (one
 * GEMM for the input projection of all steps, one per step for the
 * recurrence); these loops do the rest in one pass over memory.
 *
 * Layout: every argument is a 2-D view whose rows are contiguous
 * (strides[1] = 1); row b of a [B, kH] view starts at offset + b·strides[0].
 * Gate blocks follow PyTorch: LSTM (i, f, g, o), GRU (r, z, n).
 *
 * Masks (variable-length batches): a row whose mask is 0 at this step keeps
 * its state (h, c pass through unchanged), outputs 0, and in the backward
 * pass sends its state gradient straight through (`dhPass`, `dc`).
 *
 * Backward kernels take `dh`, the gradient reaching h_t from later steps,
 * and `dy`, the gradient of the step's output (null if none); a masked
 * row's output was the constant 0, so its `dy` is ignored.
 */
import type {
  GruBackward,
  GruForward,
  LstmBackward,
  LstmForward,
  RnnBackward,
  RnnForward,
  View,
} from "../../backend.js";

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function row(v: View, b: number): number {
  return v.offset + b * (v.strides[0] as number);
}

function maskAt(mask: View | null, b: number): number {
  return mask === null
    ? 1
    : (mask.storage.array[mask.offset + b * (mask.strides[0] as number)] as number);
}

/**
 * gates (pre-activations in, activations out), then
 * c = f·c₋ + i·g,  h = o·tanh(c),  y = h (0 where masked).
 */
export const lstmForward = (a: LstmForward): void => {
  const H = a.hidden;
  const g = a.gates.storage.array;
  const cp = a.cPrev.storage.array;
  const hp = a.hPrev.storage.array;
  const c = a.c.storage.array;
  const h = a.h.storage.array;
  const y = a.y.storage.array;
  for (let b = 0; b < a.batch; b++) {
    const m = maskAt(a.mask, b);
    const gr = row(a.gates, b);
    const [cpr, hpr, cr, hr, yr] = [
      row(a.cPrev, b),
      row(a.hPrev, b),
      row(a.c, b),
      row(a.h, b),
      row(a.y, b),
    ];
    for (let j = 0; j < H; j++) {
      const i = sigmoid(g[gr + j] as number);
      const f = sigmoid(g[gr + H + j] as number);
      const gg = Math.tanh(g[gr + 2 * H + j] as number);
      const o = sigmoid(g[gr + 3 * H + j] as number);
      g[gr + j] = i;
      g[gr + H + j] = f;
      g[gr + 2 * H + j] = gg;
      g[gr + 3 * H + j] = o;
      if (m !== 0) {
        const cn = f * (cp[cpr + j] as number) + i * gg;
        const hn = o * Math.tanh(cn);
        c[cr + j] = cn;
        h[hr + j] = hn;
        y[yr + j] = hn;
      } else {
        c[cr + j] = cp[cpr + j] as number;
        h[hr + j] = hp[hpr + j] as number;
        y[yr + j] = 0;
      }
    }
  }
};

/**
 * With tc = tanh(c) and dc the gradient arriving at c from later steps:
 *   dc_tot = dc + dh·o·(1 − tc²)
 *   di = dc_tot·g·i(1−i)   df = dc_tot·c₋·f(1−f)   dg = dc_tot·i·(1−g²)   do = dh·tc·o(1−o)
 *   dc₋ = dc_tot·f          (written back into dc)
 * Masked rows: no gate gradient; dc and dh pass straight through.
 */
export const lstmBackward = (a: LstmBackward): void => {
  const H = a.hidden;
  const g = a.gates.storage.array;
  const cp = a.cPrev.storage.array;
  const c = a.c.storage.array;
  const dh = a.dh.storage.array;
  const dy = a.dy?.storage.array;
  const dc = a.dc.storage.array;
  const dg = a.dGates.storage.array;
  const pass = a.dhPass.storage.array;
  for (let b = 0; b < a.batch; b++) {
    const m = maskAt(a.mask, b);
    const [gr, cpr, cr, dhr, dcr, dgr, pr] = [
      row(a.gates, b),
      row(a.cPrev, b),
      row(a.c, b),
      row(a.dh, b),
      row(a.dc, b),
      row(a.dGates, b),
      row(a.dhPass, b),
    ];
    const yr = a.dy === null ? 0 : row(a.dy, b);
    for (let j = 0; j < H; j++) {
      if (m === 0) {
        dg[dgr + j] = 0;
        dg[dgr + H + j] = 0;
        dg[dgr + 2 * H + j] = 0;
        dg[dgr + 3 * H + j] = 0;
        pass[pr + j] = dh[dhr + j] as number;
        continue;
      }
      const i = g[gr + j] as number;
      const f = g[gr + H + j] as number;
      const gg = g[gr + 2 * H + j] as number;
      const o = g[gr + 3 * H + j] as number;
      const tc = Math.tanh(c[cr + j] as number);
      const d = (dh[dhr + j] as number) + (dy === undefined ? 0 : (dy[yr + j] as number));
      const dct = (dc[dcr + j] as number) + d * o * (1 - tc * tc);
      dg[dgr + j] = dct * gg * i * (1 - i);
      dg[dgr + H + j] = dct * (cp[cpr + j] as number) * f * (1 - f);
      dg[dgr + 2 * H + j] = dct * i * (1 - gg * gg);
      dg[dgr + 3 * H + j] = d * tc * o * (1 - o);
      dc[dcr + j] = dct * f;
      pass[pr + j] = 0;
    }
  }
};

/**
 * PyTorch's GRU, reset applied after the recurrent product:
 *   r = σ(xr + hr)   z = σ(xz + hz)   n = tanh(xn + r·hn)   h = (1 − z)·n + z·h₋
 * xp = x·W_ihᵀ + b_ih and hp = h₋·W_hhᵀ + b_hh come in; (r, z, n) are saved
 * into `gates`.
 */
export const gruForward = (a: GruForward): void => {
  const H = a.hidden;
  const xp = a.xp.storage.array;
  const hp = a.hp.storage.array;
  const gates = a.gates.storage.array;
  const hPrev = a.hPrev.storage.array;
  const h = a.h.storage.array;
  const y = a.y.storage.array;
  for (let b = 0; b < a.batch; b++) {
    const m = maskAt(a.mask, b);
    const [xr, hr, gr, pr, hOut, yr] = [
      row(a.xp, b),
      row(a.hp, b),
      row(a.gates, b),
      row(a.hPrev, b),
      row(a.h, b),
      row(a.y, b),
    ];
    for (let j = 0; j < H; j++) {
      const r = sigmoid((xp[xr + j] as number) + (hp[hr + j] as number));
      const z = sigmoid((xp[xr + H + j] as number) + (hp[hr + H + j] as number));
      const n = Math.tanh((xp[xr + 2 * H + j] as number) + r * (hp[hr + 2 * H + j] as number));
      gates[gr + j] = r;
      gates[gr + H + j] = z;
      gates[gr + 2 * H + j] = n;
      const previous = hPrev[pr + j] as number;
      if (m !== 0) {
        const hn = (1 - z) * n + z * previous;
        h[hOut + j] = hn;
        y[yr + j] = hn;
      } else {
        h[hOut + j] = previous;
        y[yr + j] = 0;
      }
    }
  }
};

/**
 *   dn = dh·(1 − z)·(1 − n²)      dz = dh·(h₋ − n)·z(1 − z)     dr = dn·hn·r(1 − r)
 *   dxp = (dr, dz, dn)   dhp = (dr, dz, dn·r)   dhPass = dh·z  (all of dh where masked)
 * The caller adds dhp·W_hh to dhPass to get ∂L/∂h₋.
 */
export const gruBackward = (a: GruBackward): void => {
  const H = a.hidden;
  const gates = a.gates.storage.array;
  const hp = a.hp.storage.array;
  const hPrev = a.hPrev.storage.array;
  const dh = a.dh.storage.array;
  const dy = a.dy?.storage.array;
  const dxp = a.dxp.storage.array;
  const dhp = a.dhp.storage.array;
  const pass = a.dhPass.storage.array;
  for (let b = 0; b < a.batch; b++) {
    const m = maskAt(a.mask, b);
    const [gr, hr, pr, dr, xr, dhr, passr] = [
      row(a.gates, b),
      row(a.hp, b),
      row(a.hPrev, b),
      row(a.dh, b),
      row(a.dxp, b),
      row(a.dhp, b),
      row(a.dhPass, b),
    ];
    const yr = a.dy === null ? 0 : row(a.dy, b);
    for (let j = 0; j < H; j++) {
      const from = dh[dr + j] as number;
      if (m === 0) {
        for (const k of [0, H, 2 * H]) {
          dxp[xr + k + j] = 0;
          dhp[dhr + k + j] = 0;
        }
        pass[passr + j] = from;
        continue;
      }
      const d = from + (dy === undefined ? 0 : (dy[yr + j] as number));
      const r = gates[gr + j] as number;
      const z = gates[gr + H + j] as number;
      const n = gates[gr + 2 * H + j] as number;
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * ((hPrev[pr + j] as number) - n) * z * (1 - z);
      const drr = dn * (hp[hr + 2 * H + j] as number) * r * (1 - r);
      dxp[xr + j] = drr;
      dxp[xr + H + j] = dz;
      dxp[xr + 2 * H + j] = dn;
      dhp[dhr + j] = drr;
      dhp[dhr + H + j] = dz;
      dhp[dhr + 2 * H + j] = dn * r;
      pass[passr + j] = d * z;
    }
  }
};

/** Elman RNN: pre = x·W_ihᵀ + b_ih + h₋·W_hhᵀ + b_hh comes in; h = act(pre), activations saved in `pre`. */
export const rnnForward = (a: RnnForward): void => {
  const H = a.hidden;
  const pre = a.pre.storage.array;
  const hPrev = a.hPrev.storage.array;
  const h = a.h.storage.array;
  const y = a.y.storage.array;
  const relu = a.activation === "relu";
  for (let b = 0; b < a.batch; b++) {
    const m = maskAt(a.mask, b);
    const [rr, pr, hr, yr] = [row(a.pre, b), row(a.hPrev, b), row(a.h, b), row(a.y, b)];
    for (let j = 0; j < H; j++) {
      const v = pre[rr + j] as number;
      const act = relu ? Math.max(v, 0) : Math.tanh(v);
      pre[rr + j] = act;
      h[hr + j] = m !== 0 ? act : (hPrev[pr + j] as number);
      y[yr + j] = m !== 0 ? act : 0;
    }
  }
};

/** dpre = dh·act′: tanh′ = 1 − h², relu′ = [h > 0]; masked rows pass dh through. */
export const rnnBackward = (a: RnnBackward): void => {
  const H = a.hidden;
  const act = a.act.storage.array;
  const dh = a.dh.storage.array;
  const dy = a.dy?.storage.array;
  const dpre = a.dPre.storage.array;
  const pass = a.dhPass.storage.array;
  const relu = a.activation === "relu";
  for (let b = 0; b < a.batch; b++) {
    const m = maskAt(a.mask, b);
    const [ar, dr, pr, passr] = [row(a.act, b), row(a.dh, b), row(a.dPre, b), row(a.dhPass, b)];
    const yr = a.dy === null ? 0 : row(a.dy, b);
    for (let j = 0; j < H; j++) {
      const from = dh[dr + j] as number;
      const v = act[ar + j] as number;
      if (m === 0) {
        dpre[pr + j] = 0;
        pass[passr + j] = from;
      } else {
        const d = from + (dy === undefined ? 0 : (dy[yr + j] as number));
        dpre[pr + j] = relu ? (v > 0 ? d : 0) : d * (1 - v * v);
        pass[passr + j] = 0;
      }
    }
  }
};
