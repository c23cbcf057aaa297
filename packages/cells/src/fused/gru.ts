/**
 * The fused GRU (PyTorch's reset-after form) over a whole sequence, as one
 * custom differentiable op: the input projection of every step in one GEMM,
 * one GEMM and one fused kernel per step, and the weight gradients in large
 * GEMMs after the backward loop. See lstm.ts for the scheme.
 *
 * The recurrent projection hp_t = h_{t−1}·W_hhᵀ + b_hh is kept for every
 * step, because the reset gate multiplies only its n-part and the backward
 * pass needs it.
 */
import { defineOp } from "@recurrent/autograd";
import { add, contiguous, empty, kernel, matMul, sum, type Tensor } from "@recurrent/tensor";
import {
  contiguousOrNull,
  finalState,
  gradOrZeros,
  inputGrad,
  inputProjection,
  inputWeightGrad,
  previousStates,
  repeatRows,
  type SequenceOptions,
} from "./buffers.js";

interface Saved {
  gates: Tensor; // [T·B, 3H] (r, z, n)
  hp: Tensor; // [T·B, 3H] h_{t−1}·W_hhᵀ + b_hh
  states: Tensor; // [T, B, H] carried h_t
}

const gruOp = defineOp<{ mask: Tensor | null; reverse: boolean }, Saved>({
  name: "GruSequence",
  forward([x, h0, wIh, wHh, bIh, bHh], { mask, reverse }) {
    const [T, B] = (x as Tensor).shape as [number, number];
    const H = (wHh as Tensor).shape[1] as number;
    const dtype = (wHh as Tensor).dtype;
    const xp = add(inputProjection(x as Tensor, wIh as Tensor), bIh as Tensor);
    // A fresh buffer of b_hh rows: the per-step GEMMs accumulate into it. (A contiguous
    // view of b_hh itself, as `contiguous(expand(…))` returns when T·B = 1, would be
    // accumulated into, corrupting the parameter.)
    const hp = repeatRows(bHh as Tensor, T * B);
    const gates = empty([T * B, 3 * H], dtype);
    const y = empty([T, B, H], dtype);
    const states = mask === null ? y : empty([T, B, H], dtype);
    kernel("gruSequenceForward")({
      steps: T,
      batch: B,
      hidden: H,
      reverse,
      wHh: wHh as Tensor,
      mask: contiguousOrNull(mask),
      xp,
      hp,
      gates,
      h0: contiguous(h0 as Tensor),
      states,
      y,
    });
    const hT = finalState(states, h0 as Tensor, T, B, H, reverse);
    return { outputs: [y, hT], saved: { gates, hp, states } };
  },
  backward({
    grads: [dY, dhT],
    inputs: [x, h0, wIh, wHh],
    saved,
    attrs: { mask, reverse },
    needsGrad,
  }) {
    const { gates, hp, states } = saved as Saved;
    const [T, B] = (x as Tensor).shape as [number, number];
    const H = (wHh as Tensor).shape[1] as number;
    const dtype = (wHh as Tensor).dtype;
    const dxp = empty([T * B, 3 * H], dtype);
    const dhp = empty([T * B, 3 * H], dtype);
    const dh = gradOrZeros(dhT, [B, H], dtype);
    const h0c = contiguous(h0 as Tensor);
    kernel("gruSequenceBackward")({
      steps: T,
      batch: B,
      hidden: H,
      reverse,
      wHh: wHh as Tensor,
      mask: contiguousOrNull(mask),
      gates,
      hp,
      states,
      h0: h0c,
      dy: contiguousOrNull(dY),
      dh,
      dxp,
      dhp,
      scratch: empty([B, H], dtype),
    });
    const hPrevAll = previousStates(states, h0c, T, B, H, reverse);
    return [
      needsGrad(0) ? inputGrad(dxp, x as Tensor, wIh as Tensor) : null, // dX = dXP·W_ih
      needsGrad(1) ? dh : null,
      needsGrad(2) ? inputWeightGrad(dxp, x as Tensor, wIh as Tensor) : null, // dW_ih = dXPᵀ·X
      needsGrad(3) ? matMul(dhp, hPrevAll, { transposeA: true }) : null, // dW_hh = dHPᵀ·H₋
      needsGrad(4) ? sum(dxp, 0) : null,
      needsGrad(5) ? sum(dhp, 0) : null,
    ];
  },
});

/** Run a GRU layer (PyTorch weights: W_ih [3H, I], W_hh [3H, H], b_ih, b_hh [3H]) over x [T, B, I] or token ids [T, B]. */
export function gruSequence(
  x: Tensor,
  h0: Tensor,
  weights: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor },
  options: SequenceOptions = {},
): { y: Tensor; h: Tensor } {
  const [y, h] = gruOp([x, h0, weights.wIh, weights.wHh, weights.bIh, weights.bHh], {
    mask: options.mask ?? null,
    reverse: options.reverse ?? false,
  }) as [Tensor, Tensor];
  return { y, h };
}
