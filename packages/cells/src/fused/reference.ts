/**
 * The step-by-step reference of the fused ops, written with ordinary
 * differentiable ops: the slow, obviously correct path the fused ones are
 * held equal to.
 */
import {
  add,
  matMul,
  mul,
  relu,
  reshape,
  sigmoid,
  slice,
  split,
  stack,
  sub,
  type Tensor,
  tanh,
} from "@recurrent/tensor";

function stepInput(x: Tensor, t: number): Tensor {
  const [, B, I] = x.shape as [number, number, number];
  return reshape(slice(x, [t], [t + 1]), [B, I]);
}

function maskAt(mask: Tensor | null, t: number, B: number): Tensor | null {
  return mask === null ? null : reshape(slice(mask, [t], [t + 1]), [B, 1]);
}

/** m·next + (1 − m)·previous: masked rows keep their state. */
function keepWhereMasked(m: Tensor | null, next: Tensor, previous: Tensor): Tensor {
  return m === null ? next : add(mul(m, next), mul(sub(1, m), previous));
}

export function lstmReference(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  w: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor },
  { mask = null, reverse = false }: { mask?: Tensor | null; reverse?: boolean } = {},
) {
  const [T, B] = x.shape as [number, number];
  let h = h0;
  let c = c0;
  const ys: Tensor[] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const gates = add(
      add(matMul(stepInput(x, t), w.wIh, { transposeB: true }), w.bIh),
      add(matMul(h, w.wHh, { transposeB: true }), w.bHh),
    );
    const [i, f, g, o] = split(gates, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    const cn = add(mul(sigmoid(f), c), mul(sigmoid(i), tanh(g)));
    const hn = mul(sigmoid(o), tanh(cn));
    const m = maskAt(mask, t, B);
    c = keepWhereMasked(m, cn, c);
    h = keepWhereMasked(m, hn, h);
    ys[t] = m === null ? hn : mul(m, hn);
  }
  return { y: stack(ys, 0), h, c };
}

export function gruReference(
  x: Tensor,
  h0: Tensor,
  w: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor },
  { mask = null, reverse = false }: { mask?: Tensor | null; reverse?: boolean } = {},
) {
  const [T, B] = x.shape as [number, number];
  let h = h0;
  const ys: Tensor[] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const [xr, xz, xn] = split(
      add(matMul(stepInput(x, t), w.wIh, { transposeB: true }), w.bIh),
      3,
      1,
    ) as [Tensor, Tensor, Tensor];
    const [hr, hz, hn] = split(add(matMul(h, w.wHh, { transposeB: true }), w.bHh), 3, 1) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    const r = sigmoid(add(xr, hr));
    const z = sigmoid(add(xz, hz));
    const n = tanh(add(xn, mul(r, hn)));
    const next = add(mul(sub(1, z), n), mul(z, h));
    const m = maskAt(mask, t, B);
    h = keepWhereMasked(m, next, h);
    ys[t] = m === null ? next : mul(m, next);
  }
  return { y: stack(ys, 0), h };
}

export function rnnReference(
  x: Tensor,
  h0: Tensor,
  w: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor },
  {
    mask = null,
    reverse = false,
    activation = "tanh",
  }: { mask?: Tensor | null; reverse?: boolean; activation?: "tanh" | "relu" } = {},
) {
  const [T, B] = x.shape as [number, number];
  let h = h0;
  const ys: Tensor[] = new Array(T);
  for (let s = 0; s < T; s++) {
    const t = reverse ? T - 1 - s : s;
    const pre = add(
      add(matMul(stepInput(x, t), w.wIh, { transposeB: true }), w.bIh),
      add(matMul(h, w.wHh, { transposeB: true }), w.bHh),
    );
    const next = activation === "relu" ? relu(pre) : tanh(pre);
    const m = maskAt(mask, t, B);
    h = keepWhereMasked(m, next, h);
    ys[t] = m === null ? next : mul(m, next);
  }
  return { y: stack(ys, 0), h };
}
