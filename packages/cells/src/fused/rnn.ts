/**
 * The fused Elman RNN (tanh or relu) over a whole sequence, as one custom
 * differentiable op; the same scheme as lstm.ts with one pre-activation
 * block per step.
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

interface Attrs {
  mask: Tensor | null;
  reverse: boolean;
  activation: "tanh" | "relu";
}

interface Saved {
  act: Tensor; // [T·B, H] activations
  states: Tensor; // [T, B, H] carried h_t
}

const rnnOp = defineOp<Attrs, Saved>({
  name: "RnnSequence",
  forward([x, h0, wIh, wHh, bIh, bHh], { mask, reverse, activation }) {
    const [T, B] = (x as Tensor).shape as [number, number];
    const H = (wHh as Tensor).shape[1] as number;
    const dtype = (wHh as Tensor).dtype;
    const act = add(inputProjection(x as Tensor, wIh as Tensor), add(bIh as Tensor, bHh as Tensor));
    const y = empty([T, B, H], dtype);
    const states = mask === null ? y : empty([T, B, H], dtype);
    kernel("rnnSequenceForward")({
      steps: T,
      batch: B,
      hidden: H,
      reverse,
      activation,
      wHh: wHh as Tensor,
      mask: contiguousOrNull(mask),
      pre: act,
      h0: contiguous(h0 as Tensor),
      states,
      y,
    });
    const hT = finalState(states, h0 as Tensor, T, B, H, reverse);
    return { outputs: [y, hT], saved: { act, states } };
  },
  backward({
    grads: [dY, dhT],
    inputs: [x, h0, wIh, wHh],
    saved,
    attrs: { mask, reverse, activation },
    needsGrad,
  }) {
    const { act, states } = saved as Saved;
    const [T, B] = (x as Tensor).shape as [number, number];
    const H = (wHh as Tensor).shape[1] as number;
    const dtype = (wHh as Tensor).dtype;
    const dPre = empty([T * B, H], dtype);
    const dh = gradOrZeros(dhT, [B, H], dtype);
    kernel("rnnSequenceBackward")({
      steps: T,
      batch: B,
      hidden: H,
      reverse,
      activation,
      wHh: wHh as Tensor,
      mask: contiguousOrNull(mask),
      act,
      dy: contiguousOrNull(dY),
      dh,
      dPre,
      scratch: empty([B, H], dtype),
    });
    const hPrevAll = previousStates(states, contiguous(h0 as Tensor), T, B, H, reverse);
    const db = needsGrad(4) || needsGrad(5) ? sum(dPre, 0) : null;
    return [
      needsGrad(0) ? inputGrad(dPre, x as Tensor, wIh as Tensor) : null,
      needsGrad(1) ? dh : null,
      needsGrad(2) ? inputWeightGrad(dPre, x as Tensor, wIh as Tensor) : null,
      needsGrad(3) ? matMul(dPre, hPrevAll, { transposeA: true }) : null,
      db,
      db,
    ];
  },
});

/** Run an Elman RNN layer (W_ih [H, I], W_hh [H, H], b_ih, b_hh [H]) over x [T, B, I] or token ids [T, B]. */
export function rnnSequence(
  x: Tensor,
  h0: Tensor,
  weights: { wIh: Tensor; wHh: Tensor; bIh: Tensor; bHh: Tensor },
  options: SequenceOptions & { activation?: "tanh" | "relu" } = {},
): { y: Tensor; h: Tensor } {
  const [y, h] = rnnOp([x, h0, weights.wIh, weights.wHh, weights.bIh, weights.bHh], {
    mask: options.mask ?? null,
    reverse: options.reverse ?? false,
    activation: options.activation ?? "tanh",
  }) as [Tensor, Tensor];
  return { y, h };
}
