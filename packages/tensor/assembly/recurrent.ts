// Fused pointwise kernels of one recurrent step over a batch of rows, the f32 SIMD twins of
// src/backends/js/recurrent.ts (which states the maths and is the reference they are tested
// against). Each row b of a [B, kH] operand starts at ptr + b·stride·4 (strides in elements,
// rows contiguous). `mask` is 0 for no mask, else a pointer to B f32 values (1 real, 0 pad):
// a masked row keeps its state, outputs 0 and passes its state gradient straight through.
// Gate blocks follow PyTorch: LSTM (i, f, g, o), GRU (r, z, n). Lanes run four at a time; a
// hidden size that is not a multiple of 4 finishes with scalar lanes.

import { sigmoid1, sigmoid4, tanh1, tanh4 } from "./activations";

// @ts-ignore: decorator
@inline
function rowMask(mask: usize, b: i32): f32 {
  return mask == 0 ? <f32>1 : load<f32>(mask + (<usize>b << 2));
}

// @ts-ignore: decorator
@inline
function at(ptr: usize, b: i32, stride: i32, j: i32): usize {
  return ptr + ((<usize>b * <usize>stride + <usize>j) << 2);
}

/** gates → activations in place; c = f·c₋ + i·g; h = o·tanh(c); y = h (0 where masked). */
export function lstmForward(
  batch: i32, hidden: i32,
  gates: usize, gs: i32, cPrev: usize, cps: i32, hPrev: usize, hps: i32,
  c: usize, cs: i32, h: usize, hs: i32, y: usize, ys: i32, mask: usize,
): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const m = rowMask(mask, b);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const i4 = sigmoid4(v128.load(at(gates, b, gs, j)));
      const f4 = sigmoid4(v128.load(at(gates, b, gs, H + j)));
      const g4 = tanh4(v128.load(at(gates, b, gs, 2 * H + j)));
      const o4 = sigmoid4(v128.load(at(gates, b, gs, 3 * H + j)));
      v128.store(at(gates, b, gs, j), i4);
      v128.store(at(gates, b, gs, H + j), f4);
      v128.store(at(gates, b, gs, 2 * H + j), g4);
      v128.store(at(gates, b, gs, 3 * H + j), o4);
      const cp = v128.load(at(cPrev, b, cps, j));
      if (m != 0) {
        const cn = f32x4.add(f32x4.mul(f4, cp), f32x4.mul(i4, g4));
        const hn = f32x4.mul(o4, tanh4(cn));
        v128.store(at(c, b, cs, j), cn);
        v128.store(at(h, b, hs, j), hn);
        v128.store(at(y, b, ys, j), hn);
      } else {
        v128.store(at(c, b, cs, j), cp);
        v128.store(at(h, b, hs, j), v128.load(at(hPrev, b, hps, j)));
        v128.store(at(y, b, ys, j), f32x4.splat(0));
      }
    }
    for (; j < H; j++) {
      const i1 = sigmoid1(load<f32>(at(gates, b, gs, j)));
      const f1 = sigmoid1(load<f32>(at(gates, b, gs, H + j)));
      const g1 = tanh1(load<f32>(at(gates, b, gs, 2 * H + j)));
      const o1 = sigmoid1(load<f32>(at(gates, b, gs, 3 * H + j)));
      store<f32>(at(gates, b, gs, j), i1);
      store<f32>(at(gates, b, gs, H + j), f1);
      store<f32>(at(gates, b, gs, 2 * H + j), g1);
      store<f32>(at(gates, b, gs, 3 * H + j), o1);
      const cp = load<f32>(at(cPrev, b, cps, j));
      if (m != 0) {
        const cn = f1 * cp + i1 * g1;
        const hn = o1 * tanh1(cn);
        store<f32>(at(c, b, cs, j), cn);
        store<f32>(at(h, b, hs, j), hn);
        store<f32>(at(y, b, ys, j), hn);
      } else {
        store<f32>(at(c, b, cs, j), cp);
        store<f32>(at(h, b, hs, j), load<f32>(at(hPrev, b, hps, j)));
        store<f32>(at(y, b, ys, j), 0);
      }
    }
  }
}

/**
 * d = dh + dy (dy may be 0: none); dc_tot = dc + d·o·(1 − tanh²c);
 * dGates = (dc_tot·g·i(1−i), dc_tot·c₋·f(1−f), dc_tot·i·(1−g²), d·tanh c·o(1−o)); dc ← dc_tot·f.
 */
export function lstmBackward(
  batch: i32, hidden: i32,
  gates: usize, gs: i32, cPrev: usize, cps: i32, c: usize, cs: i32, mask: usize,
  dh: usize, dhs: i32, dy: usize, dys: i32, dc: usize, dcs: i32,
  dGates: usize, dgs: i32, dhPass: usize, dps: i32,
): void {
  const H = hidden;
  const one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const m = rowMask(mask, b);
    if (m == 0) {
      for (let j = 0; j < H; j++) {
        store<f32>(at(dGates, b, dgs, j), 0);
        store<f32>(at(dGates, b, dgs, H + j), 0);
        store<f32>(at(dGates, b, dgs, 2 * H + j), 0);
        store<f32>(at(dGates, b, dgs, 3 * H + j), 0);
        store<f32>(at(dhPass, b, dps, j), load<f32>(at(dh, b, dhs, j)));
      }
      continue;
    }
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const i4 = v128.load(at(gates, b, gs, j));
      const f4 = v128.load(at(gates, b, gs, H + j));
      const g4 = v128.load(at(gates, b, gs, 2 * H + j));
      const o4 = v128.load(at(gates, b, gs, 3 * H + j));
      const tc = tanh4(v128.load(at(c, b, cs, j)));
      let d = v128.load(at(dh, b, dhs, j));
      if (dy != 0) d = f32x4.add(d, v128.load(at(dy, b, dys, j)));
      const dct = f32x4.add(v128.load(at(dc, b, dcs, j)), f32x4.mul(f32x4.mul(d, o4), f32x4.sub(one, f32x4.mul(tc, tc))));
      v128.store(at(dGates, b, dgs, j), f32x4.mul(f32x4.mul(dct, g4), f32x4.mul(i4, f32x4.sub(one, i4))));
      v128.store(at(dGates, b, dgs, H + j), f32x4.mul(f32x4.mul(dct, v128.load(at(cPrev, b, cps, j))), f32x4.mul(f4, f32x4.sub(one, f4))));
      v128.store(at(dGates, b, dgs, 2 * H + j), f32x4.mul(f32x4.mul(dct, i4), f32x4.sub(one, f32x4.mul(g4, g4))));
      v128.store(at(dGates, b, dgs, 3 * H + j), f32x4.mul(f32x4.mul(d, tc), f32x4.mul(o4, f32x4.sub(one, o4))));
      v128.store(at(dc, b, dcs, j), f32x4.mul(dct, f4));
      v128.store(at(dhPass, b, dps, j), f32x4.splat(0));
    }
    for (; j < H; j++) {
      const i1 = load<f32>(at(gates, b, gs, j));
      const f1 = load<f32>(at(gates, b, gs, H + j));
      const g1 = load<f32>(at(gates, b, gs, 2 * H + j));
      const o1 = load<f32>(at(gates, b, gs, 3 * H + j));
      const tc = tanh1(load<f32>(at(c, b, cs, j)));
      let d = load<f32>(at(dh, b, dhs, j));
      if (dy != 0) d += load<f32>(at(dy, b, dys, j));
      const dct = load<f32>(at(dc, b, dcs, j)) + d * o1 * (1 - tc * tc);
      store<f32>(at(dGates, b, dgs, j), dct * g1 * i1 * (1 - i1));
      store<f32>(at(dGates, b, dgs, H + j), dct * load<f32>(at(cPrev, b, cps, j)) * f1 * (1 - f1));
      store<f32>(at(dGates, b, dgs, 2 * H + j), dct * i1 * (1 - g1 * g1));
      store<f32>(at(dGates, b, dgs, 3 * H + j), d * tc * o1 * (1 - o1));
      store<f32>(at(dc, b, dcs, j), dct * f1);
      store<f32>(at(dhPass, b, dps, j), 0);
    }
  }
}

/** r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r·hn); h = (1 − z)·n + z·h₋; (r, z, n) saved. */
export function gruForward(
  batch: i32, hidden: i32,
  xp: usize, xs: i32, hp: usize, hps: i32, gates: usize, gs: i32,
  hPrev: usize, prs: i32, h: usize, hs: i32, y: usize, ys: i32, mask: usize,
): void {
  const H = hidden;
  const one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const m = rowMask(mask, b);
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const r = sigmoid4(f32x4.add(v128.load(at(xp, b, xs, j)), v128.load(at(hp, b, hps, j))));
      const z = sigmoid4(f32x4.add(v128.load(at(xp, b, xs, H + j)), v128.load(at(hp, b, hps, H + j))));
      const n = tanh4(f32x4.add(v128.load(at(xp, b, xs, 2 * H + j)), f32x4.mul(r, v128.load(at(hp, b, hps, 2 * H + j)))));
      v128.store(at(gates, b, gs, j), r);
      v128.store(at(gates, b, gs, H + j), z);
      v128.store(at(gates, b, gs, 2 * H + j), n);
      const previous = v128.load(at(hPrev, b, prs, j));
      if (m != 0) {
        const hn = f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, previous));
        v128.store(at(h, b, hs, j), hn);
        v128.store(at(y, b, ys, j), hn);
      } else {
        v128.store(at(h, b, hs, j), previous);
        v128.store(at(y, b, ys, j), f32x4.splat(0));
      }
    }
    for (; j < H; j++) {
      const r = sigmoid1(load<f32>(at(xp, b, xs, j)) + load<f32>(at(hp, b, hps, j)));
      const z = sigmoid1(load<f32>(at(xp, b, xs, H + j)) + load<f32>(at(hp, b, hps, H + j)));
      const n = tanh1(load<f32>(at(xp, b, xs, 2 * H + j)) + r * load<f32>(at(hp, b, hps, 2 * H + j)));
      store<f32>(at(gates, b, gs, j), r);
      store<f32>(at(gates, b, gs, H + j), z);
      store<f32>(at(gates, b, gs, 2 * H + j), n);
      const previous = load<f32>(at(hPrev, b, prs, j));
      const hn: f32 = m != 0 ? (1 - z) * n + z * previous : previous;
      store<f32>(at(h, b, hs, j), hn);
      store<f32>(at(y, b, ys, j), m != 0 ? hn : 0);
    }
  }
}

/**
 * d = dh + dy; dn = d·(1 − z)·(1 − n²); dz = d·(h₋ − n)·z(1 − z); dr = dn·hn·r(1 − r);
 * dxp = (dr, dz, dn), dhp = (dr, dz, dn·r), dhPass = d·z (dh where masked).
 */
export function gruBackward(
  batch: i32, hidden: i32,
  gates: usize, gs: i32, hp: usize, hps: i32, hPrev: usize, prs: i32, mask: usize,
  dh: usize, dhs: i32, dy: usize, dys: i32,
  dxp: usize, dxs: i32, dhp: usize, dhps: i32, dhPass: usize, dps: i32,
): void {
  const H = hidden;
  const one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const m = rowMask(mask, b);
    if (m == 0) {
      for (let j = 0; j < H; j++) {
        for (let k = 0; k < 3; k++) {
          store<f32>(at(dxp, b, dxs, k * H + j), 0);
          store<f32>(at(dhp, b, dhps, k * H + j), 0);
        }
        store<f32>(at(dhPass, b, dps, j), load<f32>(at(dh, b, dhs, j)));
      }
      continue;
    }
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      let d = v128.load(at(dh, b, dhs, j));
      if (dy != 0) d = f32x4.add(d, v128.load(at(dy, b, dys, j)));
      const r = v128.load(at(gates, b, gs, j));
      const z = v128.load(at(gates, b, gs, H + j));
      const n = v128.load(at(gates, b, gs, 2 * H + j));
      const dn = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dz = f32x4.mul(f32x4.mul(d, f32x4.sub(v128.load(at(hPrev, b, prs, j)), n)), f32x4.mul(z, f32x4.sub(one, z)));
      const dr = f32x4.mul(f32x4.mul(dn, v128.load(at(hp, b, hps, 2 * H + j))), f32x4.mul(r, f32x4.sub(one, r)));
      v128.store(at(dxp, b, dxs, j), dr);
      v128.store(at(dxp, b, dxs, H + j), dz);
      v128.store(at(dxp, b, dxs, 2 * H + j), dn);
      v128.store(at(dhp, b, dhps, j), dr);
      v128.store(at(dhp, b, dhps, H + j), dz);
      v128.store(at(dhp, b, dhps, 2 * H + j), f32x4.mul(dn, r));
      v128.store(at(dhPass, b, dps, j), f32x4.mul(d, z));
    }
    for (; j < H; j++) {
      let d = load<f32>(at(dh, b, dhs, j));
      if (dy != 0) d += load<f32>(at(dy, b, dys, j));
      const r = load<f32>(at(gates, b, gs, j));
      const z = load<f32>(at(gates, b, gs, H + j));
      const n = load<f32>(at(gates, b, gs, 2 * H + j));
      const dn = d * (1 - z) * (1 - n * n);
      const dz = d * (load<f32>(at(hPrev, b, prs, j)) - n) * z * (1 - z);
      const dr = dn * load<f32>(at(hp, b, hps, 2 * H + j)) * r * (1 - r);
      store<f32>(at(dxp, b, dxs, j), dr);
      store<f32>(at(dxp, b, dxs, H + j), dz);
      store<f32>(at(dxp, b, dxs, 2 * H + j), dn);
      store<f32>(at(dhp, b, dhps, j), dr);
      store<f32>(at(dhp, b, dhps, H + j), dz);
      store<f32>(at(dhp, b, dhps, 2 * H + j), dn * r);
      store<f32>(at(dhPass, b, dps, j), d * z);
    }
  }
}

/** h = act(pre) (relu = 1, tanh = 0), activations saved in pre; y = h (0 where masked). */
export function rnnForward(
  batch: i32, hidden: i32, relu: i32,
  pre: usize, ps: i32, hPrev: usize, prs: i32, h: usize, hs: i32, y: usize, ys: i32, mask: usize,
): void {
  for (let b = 0; b < batch; b++) {
    const m = rowMask(mask, b);
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const v = v128.load(at(pre, b, ps, j));
      const a = relu != 0 ? f32x4.pmax(v, f32x4.splat(0)) : tanh4(v);
      v128.store(at(pre, b, ps, j), a);
      v128.store(at(h, b, hs, j), m != 0 ? a : v128.load(at(hPrev, b, prs, j)));
      v128.store(at(y, b, ys, j), m != 0 ? a : f32x4.splat(0));
    }
    for (; j < hidden; j++) {
      const v = load<f32>(at(pre, b, ps, j));
      const a: f32 = relu != 0 ? (v > 0 ? v : 0) : tanh1(v);
      store<f32>(at(pre, b, ps, j), a);
      store<f32>(at(h, b, hs, j), m != 0 ? a : load<f32>(at(hPrev, b, prs, j)));
      store<f32>(at(y, b, ys, j), m != 0 ? a : 0);
    }
  }
}

/** dpre = (dh + dy)·act′ with tanh′ = 1 − h², relu′ = [h > 0]; masked rows pass dh through. */
export function rnnBackward(
  batch: i32, hidden: i32, relu: i32,
  act: usize, as_: i32, mask: usize, dh: usize, dhs: i32, dy: usize, dys: i32,
  dPre: usize, dps: i32, dhPass: usize, pps: i32,
): void {
  const one = f32x4.splat(1);
  for (let b = 0; b < batch; b++) {
    const m = rowMask(mask, b);
    let j = 0;
    for (; j + 4 <= hidden; j += 4) {
      const from = v128.load(at(dh, b, dhs, j));
      if (m == 0) {
        v128.store(at(dPre, b, dps, j), f32x4.splat(0));
        v128.store(at(dhPass, b, pps, j), from);
        continue;
      }
      const d = dy != 0 ? f32x4.add(from, v128.load(at(dy, b, dys, j))) : from;
      const a = v128.load(at(act, b, as_, j));
      const g = relu != 0
        ? v128.and(d, f32x4.gt(a, f32x4.splat(0)))
        : f32x4.mul(d, f32x4.sub(one, f32x4.mul(a, a)));
      v128.store(at(dPre, b, dps, j), g);
      v128.store(at(dhPass, b, pps, j), f32x4.splat(0));
    }
    for (; j < hidden; j++) {
      const from = load<f32>(at(dh, b, dhs, j));
      if (m == 0) {
        store<f32>(at(dPre, b, dps, j), 0);
        store<f32>(at(dhPass, b, pps, j), from);
        continue;
      }
      const d = dy != 0 ? from + load<f32>(at(dy, b, dys, j)) : from;
      const a = load<f32>(at(act, b, as_, j));
      store<f32>(at(dPre, b, dps, j), relu != 0 ? (a > 0 ? d : 0) : d * (1 - a * a));
      store<f32>(at(dhPass, b, pps, j), 0);
    }
  }
}
