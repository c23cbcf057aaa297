/**
 * What the fused sequence ops share: raw 2-D row views of contiguous buffers
 * (plain objects, so a time loop allocates nothing per step), the input
 * projection and its gradients (features or token ids), and the few buffer
 * helpers every op's forward and backward need.
 */
import {
  add,
  contiguous,
  type DType,
  empty,
  gather,
  matMul,
  reshape,
  type Shape,
  scatterAdd,
  type Tensor,
  transpose,
  type View,
  zeros,
} from "@recurrent/tensor";

export interface SequenceOptions {
  /** [T, B] with 1 for real steps and 0 for padding. */
  readonly mask?: Tensor | null;
  /** Run from the last step to the first (the backward direction of a bidirectional layer). */
  readonly reverse?: boolean;
}

/** Rows [row, row + rows) of `t` seen as a [rows, width] matrix (t must be contiguous). */
export function rowsOf(t: Tensor, row: number, rows: number, width: number): View {
  return {
    storage: t.storage,
    dtype: t.dtype,
    shape: [rows, width],
    strides: [width, 1],
    offset: t.offset + row * width,
  };
}

/** A fresh, writable copy of an incoming gradient, or zeros where none arrived. */
export function gradOrZeros(g: Tensor | null | undefined, shape: Shape, dtype: DType): Tensor {
  return g === null || g === undefined ? zeros(shape, dtype) : add(g, 0);
}

/** An incoming gradient (or a mask) made contiguous, or null where there is none. */
export function contiguousOrNull(g: Tensor | null | undefined): Tensor | null {
  return g === null || g === undefined ? null : contiguous(g);
}

/** The final state: the rows of the last step processed, or the initial state for T = 0. */
export function finalState(
  states: Tensor,
  initial: Tensor,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): Tensor {
  return T === 0 ? contiguous(initial) : copyRows(states, (reverse ? 0 : T - 1) * B, B, H);
}

/** A fresh [rows, width] copy of rows [row, row + rows) of a contiguous buffer. */
export function copyRows(t: Tensor, row: number, rows: number, width: number): Tensor {
  const out = empty([rows, width], t.dtype);
  out.storage.array.set(
    t.storage.array.subarray(t.offset + row * width, t.offset + (row + rows) * width),
  );
  return out;
}

/** [T·B, H]: row block t holds the state the step at t started from. */
export function previousStates(
  states: Tensor,
  h0: Tensor,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): Tensor {
  const out = empty([T * B, H], states.dtype);
  const dst = out.storage.array;
  const src = states.storage.array;
  const block = B * H;
  for (let t = 0; t < T; t++) {
    const from = reverse ? t + 1 : t - 1;
    if (from < 0 || from >= T)
      dst.set(h0.storage.array.subarray(h0.offset, h0.offset + block), t * block);
    else
      dst.set(
        src.subarray(states.offset + from * block, states.offset + (from + 1) * block),
        t * block,
      );
  }
  return out;
}

/** A new [rows, n] tensor whose every row is the vector `v` [n]. */
export function repeatRows(v: Tensor, rows: number): Tensor {
  const n = v.size;
  const out = empty([rows, n], v.dtype);
  const row = v.data();
  const array = out.storage.array;
  for (let r = 0; r < rows; r++) array.set(row, out.offset + r * n);
  return out;
}

/**
 * The input projection of every step at once, [T·B, gates·H] = X·W_ihᵀ: one
 * GEMM for features x [T, B, I]; for token ids x [T, B] (int32, standing for
 * one-hot rows) the product with a one-hot matrix is a lookup of W_ih's
 * columns, so no GEMM at all.
 */
export function inputProjection(x: Tensor, wIh: Tensor): Tensor {
  if (x.dtype === "int32") return gather(contiguous(transpose(wIh)), reshape(x, [x.size]));
  const [T, B, I] = x.shape as [number, number, number];
  return matMul(reshape(contiguous(x), [T * B, I]), wIh, { transposeB: true });
}

/** ∂L/∂W_ih = dGᵀ·X [gates·H, I]; for token ids, the columns of the ids add up dG's rows. */
export function inputWeightGrad(dG: Tensor, x: Tensor, wIh: Tensor): Tensor {
  const [G, I] = wIh.shape as [number, number];
  if (x.dtype === "int32") {
    return contiguous(transpose(scatterAdd(dG, reshape(x, [x.size]), 0, [I, G])));
  }
  const [T, B] = x.shape as [number, number];
  return matMul(dG, reshape(contiguous(x), [T * B, I]), { transposeA: true });
}

/** ∂L/∂X = dG·W_ih as [T, B, I], or null for token ids (not differentiable). */
export function inputGrad(dG: Tensor, x: Tensor, wIh: Tensor): Tensor | null {
  if (x.dtype === "int32") return null;
  const [T, B, I] = x.shape as [number, number, number];
  return reshape(matMul(dG, wIh), [T, B, I]);
}
