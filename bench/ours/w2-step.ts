/**
 * The W2 training step, timed: one character language-model step (batch 32,
 * 64 steps, hidden 256, 65 symbols as token ids, linear head, mean
 * cross-entropy, Adam 2e-3), shared by `w2.ts` and `cells.ts` so both
 * measure exactly the same loop.
 */
import { backward } from "@recurrent/autograd";
import type { Recurrent } from "@recurrent/cells";
import { crossEntropy, type Linear } from "@recurrent/nn";
import { adam, Optimizer, type ParamsInput } from "@recurrent/optim";
import { contiguous, Generator, keep, reshape, slice, tidy } from "@recurrent/tensor";

export const [B, T, H, V] = [32, 64, 256, 65];
const [W2_B, W2_T, W2_H] = [B, T, H];

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Wall and CPU milliseconds of `count` W2 steps of `recurrent` and `head` (w4 passes other sizes). */
export function timeW2Steps(
  recurrent: Recurrent,
  head: Linear,
  params: ParamsInput,
  count: number,
  onStep?: (i: number) => void,
  { B, T, H } = { B: W2_B, T: W2_T, H: W2_H },
): { wall: number[]; cpu: number[] } {
  const optimizer = new Optimizer(params, adam({ lr: 2e-3 }));
  const tokens = keep(new Generator(1).randint([T + 1, B], 0, V));
  // One-hot symbols, given as token ids: Recurrent looks W_ih's columns up instead of
  // multiplying by the one-hot matrix (the same model; PyTorch and TF.js do the product).
  const x = keep(contiguous(slice(tokens, [0], [T])));
  const y = keep(contiguous(slice(tokens, [1], [T + 1])));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    tidy(() => {
      optimizer.zeroGrad();
      const { output } = recurrent.forward(x);
      const logits = head.forward(reshape(output, [T * B, H]));
      const loss = crossEntropy(logits, reshape(y, [T * B]));
      backward(loss);
      optimizer.step();
      loss.item();
    });
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    onStep?.(i);
  }
  return { wall, cpu };
}
