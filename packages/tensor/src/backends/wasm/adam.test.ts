// Tests of the fused Adam kernel against a JS transcription of torch.optim.Adam's single-tensor
// update (amsgrad off), evaluated op by op in float32 the way PyTorch's CPU kernels round.

import { describe, expect, it } from "vitest";
import { instantiateKernels } from "./kernels.js";

const memory = new WebAssembly.Memory({ initial: 16 });
const kernels = instantiateKernels(memory);
const f = Math.fround;

interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/**
 * PyTorch's _single_tensor_adam for one element, step t (1-based), as in torch/optim/adam.py:
 *   grad = grad.add(param, alpha=weight_decay)             if weight_decay != 0
 *   exp_avg.lerp_(grad, 1 - beta1)
 *   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
 *   step_size = lr / (1 - beta1 ** t); bc2_sqrt = (1 - beta2 ** t) ** 0.5
 *   denom = (exp_avg_sq.sqrt() / bc2_sqrt).add_(eps)
 *   param.addcdiv_(exp_avg, denom, value=-step_size)
 * Python floats are doubles and become float32 scalars inside the float32 kernels; torch.lerp
 * computes start + w·(end − start) when |w| < 0.5 and end − (end − start)·(1 − w) otherwise.
 */
function torchAdamElement(
  state: { p: number; m: number; v: number },
  gradIn: number,
  t: number,
  o: AdamOptions,
): void {
  let grad = gradIn;
  if (o.weightDecay !== 0) grad = f(grad + f(f(o.weightDecay) * state.p));
  const w = f(1 - o.beta1);
  state.m =
    Math.abs(w) < 0.5
      ? f(state.m + f(w * f(grad - state.m)))
      : f(grad - f(f(grad - state.m) * f(1 - w)));
  state.v = f(f(state.v * f(o.beta2)) + f(f(f(1 - o.beta2) * grad) * grad));
  const stepSize = o.lr / (1 - o.beta1 ** t);
  const bc2Sqrt = (1 - o.beta2 ** t) ** 0.5;
  const denom = f(f(f(Math.sqrt(state.v)) / f(bc2Sqrt)) + f(o.eps));
  state.p = f(state.p + f(f(f(-stepSize) * state.m) / denom));
}

function ulpDistance(x: number, y: number): number {
  const bits = new Int32Array(new Float32Array([x, y]).buffer);
  const toOrdered = (b: number) => (b < 0 ? 0x80000000 - b : b);
  return Math.abs(toOrdered(bits[0] as number) - toOrdered(bits[1] as number));
}

describe("adamStep", () => {
  const configs: AdamOptions[] = [
    { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    { lr: 3e-2, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01 },
    // beta1 < 0.5 takes torch.lerp's other branch.
    { lr: 0.1, beta1: 0.3, beta2: 0.9, eps: 1e-4, weightDecay: 0.1 },
  ];

  for (const options of configs) {
    it(`matches torch.optim.Adam over 6 steps (${JSON.stringify(options)})`, () => {
      const n = 1031; // vector body plus a 3-element tail
      const base = 1024;
      const ptr = (slot: number) => base + slot * 4 * 1040 + 4; // deliberately not 16-aligned
      const [pP, gP, mP, vP] = [ptr(0), ptr(1), ptr(2), ptr(3)];
      const param = new Float32Array(memory.buffer, pP, n);
      const grad = new Float32Array(memory.buffer, gP, n);
      const m = new Float32Array(memory.buffer, mP, n);
      const v = new Float32Array(memory.buffer, vP, n);
      const states = Array.from({ length: n }, (_, i) => ({ p: f(Math.sin(i) * 2), m: 0, v: 0 }));
      param.set(states.map((s) => s.p));
      m.fill(0);
      v.fill(0);
      let worst = 0;
      for (let t = 1; t <= 6; t++) {
        for (let i = 0; i < n; i++) grad[i] = f(Math.cos(i * 0.7 + t) * (i % 7 === 0 ? 1e-3 : 1));
        const bc1 = 1 - options.beta1 ** t;
        const bc2 = 1 - options.beta2 ** t;
        const { lr, beta1, beta2, eps, weightDecay } = options;
        kernels.adamStep(pP, gP, mP, vP, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        for (let i = 0; i < n; i++) {
          const state = states[i] as { p: number; m: number; v: number };
          torchAdamElement(state, grad[i] as number, t, options);
          worst = Math.max(
            worst,
            ulpDistance(param[i] as number, state.p),
            ulpDistance(m[i] as number, state.m),
            ulpDistance(v[i] as number, state.v),
          );
        }
      }
      // Same formula and rounding order: bit-identical is expected; allow 1 ulp of slack.
      expect(worst).toBeLessThanOrEqual(1);
    });
  }

  it("changes nothing when n = 0 and leaves grad untouched", () => {
    const g = new Float32Array(memory.buffer, 64, 4);
    g.set([1, 2, 3, 4]);
    const p = new Float32Array(memory.buffer, 128, 4);
    p.set([5, 6, 7, 8]);
    kernels.adamStep(128, 64, 192, 256, 0, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
    expect(Array.from(p)).toEqual([5, 6, 7, 8]);
    new Float32Array(memory.buffer, 192, 8).fill(0);
    kernels.adamStep(128, 64, 192, 256, 4, 0.1, 0.9, 0.999, 1e-8, 0, 0.1, 0.001);
    expect(Array.from(g)).toEqual([1, 2, 3, 4]);
    // First step of Adam moves each parameter by about lr against the gradient's sign.
    for (const [i, before] of [5, 6, 7, 8].entries())
      expect(before - (p[i] as number)).toBeCloseTo(0.1, 4);
  });
});
