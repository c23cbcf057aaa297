/**
 * The fused LSTM over a whole sequence, as one custom differentiable op.
 *
 * Forward: the input projection of every step in one GEMM
 * (G = X·W_ihᵀ + b_ih + b_hh, [T·B, 4H]); then per step one GEMM adds
 * h_{t−1}·W_hhᵀ into G_t in place and one fused kernel turns G_t into gate
 * activations, c_t and h_t. Backward walks the steps in reverse with one
 * fused kernel and one GEMM per step, and leaves the weight gradients to
 * three large GEMMs after the loop (dW_hh = dGᵀ·H₋, dW_ih = dGᵀ·X,
 * dX = dG·W_ih), which run near peak speed. Buffers are allocated once per
 * call, never per step.
 *
 * Gate order i, f, g, o, as PyTorch stores them. With `reverse`, steps run
 * from T−1 down to 0; with a mask, padded steps keep the state and output 0,
 * which also gives PyTorch's packed-sequence semantics for the reverse
 * direction (right-padded rows start at their own last element).
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
  type SequenceOptions,
} from "./buffers.js";

interface LstmSaved {
  gates: Tensor; // [T·B, 4H] activations
  cells: Tensor; // [T, B, H] c_t
  states: Tensor; // [T, B, H] h_t carried (equals the output where nothing is masked)
}

interface Attrs {
  mask: Tensor | null;
  reverse: boolean;
}

const lstmOp = defineOp<Attrs, LstmSaved>({
  name: "LstmSequence",
  forward([x, h0, c0, wIh, wHh, bIh, bHh], { mask, reverse }) {
    const [T, B] = (x as Tensor).shape as [number, number];
    const H = (wHh as Tensor).shape[1] as number;
    const dtype = (wHh as Tensor).dtype;
    const gates = add(
      inputProjection(x as Tensor, wIh as Tensor),
      add(bIh as Tensor, bHh as Tensor),
    );
    const cells = empty([T, B, H], dtype);
    const states = mask === null ? null : empty([T, B, H], dtype);
    const y = empty([T, B, H], dtype);
    const hs = states ?? y;
    kernel("lstmSequenceForward")({
      steps: T,
      batch: B,
      hidden: H,
      reverse,
      wHh: wHh as Tensor,
      mask: contiguousOrNull(mask),
      gates,
      h0: contiguous(h0 as Tensor),
      c0: contiguous(c0 as Tensor),
      cells,
      states: hs,
      y,
    });
    const hT = finalState(hs, h0 as Tensor, T, B, H, reverse);
    const cT = finalState(cells, c0 as Tensor, T, B, H, reverse);
    return { outputs: [y, hT, cT], saved: { gates, cells, states: hs } };
  },
  backward({
    grads: [dY, dhT, dcT],
    inputs: [x, h0, c0, wIh, wHh],
    saved,
    attrs: { mask, reverse },
    needsGrad,
  }) {
    const { gates, cells, states } = saved as LstmSaved;
    const [T, B] = (x as Tensor).shape as [number, number];
    const H = (wHh as Tensor).shape[1] as number;
    const dtype = (wHh as Tensor).dtype;
    const dGates = empty([T * B, 4 * H], dtype);
    const dh = gradOrZeros(dhT, [B, H], dtype);
    const dc = gradOrZeros(dcT, [B, H], dtype);
    const h0c = contiguous(h0 as Tensor);
    kernel("lstmSequenceBackward")({
      steps: T,
      batch: B,
      hidden: H,
      reverse,
      wHh: wHh as Tensor,
      mask: contiguousOrNull(mask),
      gates,
      cells,
      c0: contiguous(c0 as Tensor),
      dy: contiguousOrNull(dY),
      dh,
      dc,
      dGates,
      scratch: empty([B, H], dtype),
    });
    // h_{t−1} for every t, in the layout of the steps: [h0 or the neighbouring state].
    const hPrev = previousStates(states, h0c, T, B, H, reverse);
    const db = needsGrad(5) || needsGrad(6) ? sum(dGates, 0) : null;
    return [
      needsGrad(0) ? inputGrad(dGates, x as Tensor, wIh as Tensor) : null, // dX = dG·W_ih
      needsGrad(1) ? dh : null,
      needsGrad(2) ? dc : null,
      needsGrad(3) ? inputWeightGrad(dGates, x as Tensor, wIh as Tensor) : null, // dW_ih = dGᵀ·X
      needsGrad(4) ? matMul(dGates, hPrev, { transposeA: true }) : null, // dW_hh = dGᵀ·H₋
      db,
      db,
    ];
  },
});

/**
 * Run an LSTM layer over x [T, B, I] (or int32 token ids [T, B], one-hot of size I) from (h0, c0) [B, H] with PyTorch's
 * weights (W_ih [4H, I], W_hh [4H, H], b_ih, b_hh [4H]).
 * Returns the outputs [T, B, H] and the final state.
 */
export function lstmSequence(
  x: Tensor,
  h0: Tensor,
  c0: Tensor,
  weights: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor },
  options: SequenceOptions = {},
): { y: Tensor; h: Tensor; c: Tensor } {
  const [y, h, c] = lstmOp([x, h0, c0, weights.wIh, weights.wHh, weights.bIh, weights.bHh], {
    mask: options.mask ?? null,
    reverse: options.reverse ?? false,
  }) as [Tensor, Tensor, Tensor];
  return { y, h, c };
}
