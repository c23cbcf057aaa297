import * as T from "@recurrent/tensor";
import { describe, expect, it } from "vitest";
import { backward } from "./backward.js";
import { defineOp } from "./custom-op.js";
import { detach, requireGrad, zeroGrad } from "./grad.js";
import { gradcheck } from "./gradcheck.js";
import { registerHook, retainGrad } from "./hooks.js";
import { enableGrad, noGrad, setDebug } from "./mode.js";

const leaf = (values: number[]) => requireGrad(T.tensor(values, { dtype: "float64" }));

describe("backward", () => {
  it("accumulates over fan-out and across calls", () => {
    const x = leaf([1, 2, 3]);
    // y = Σ (x·x + x) → dy/dx = 2x + 1
    backward(T.sum(T.add(T.mul(x, x), x)));
    expect(x.grad?.toArray()).toEqual([3, 5, 7]);
    backward(T.sum(x));
    expect(x.grad?.toArray()).toEqual([4, 6, 8]);
    zeroGrad([x]);
    expect(x.grad).toBeNull();
  });

  it("takes an explicit output gradient for a non-scalar root", () => {
    const x = leaf([1, 2]);
    backward(T.mul(x, 3), T.tensor([1, 10], { dtype: "float64" }));
    expect(x.grad?.toArray()).toEqual([3, 30]);
  });

  it("does not record under noGrad, and records again inside enableGrad", () => {
    const x = leaf([1]);
    const y = noGrad(() => T.mul(x, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    const z = noGrad(() => enableGrad(() => T.mul(x, 2)));
    expect(z.requiresGrad).toBe(true);
  });

  it("detach cuts the gradient, as truncated BPTT needs", () => {
    const w = leaf([2]);
    const h1 = T.mul(w, 3);
    const h2 = T.mul(detach(h1), w); // h2 = 3w·w, but only the second factor is differentiated
    backward(h2);
    expect(w.grad?.toArray()).toEqual([6]);
  });

  it("errors clearly on a root without gradient or a non-scalar root", () => {
    expect(() => backward(T.tensor([1, 2]))).toThrowErrorMatchingInlineSnapshot(
      `[AutogradError: backward: this tensor does not require a gradient: no leaf it depends on has requiresGrad set, or it was computed inside noGrad()]`,
    );
    expect(() => backward(T.mul(leaf([1, 2]), 2))).toThrowErrorMatchingInlineSnapshot(
      `[AutogradError: backward: expected a scalar (one element) to differentiate, got shape [2]; pass the gradient of the output as the second argument]`,
    );
  });

  it("survives a deep graph (a long unrolled recurrence)", () => {
    const w = leaf([0.999]);
    let h = T.tensor([1], { dtype: "float64" });
    for (let t = 0; t < 5000; t++) h = T.mul(h, w);
    backward(T.sum(h));
    // d(w^5000)/dw = 5000·w^4999
    expect(w.grad?.item()).toBeCloseTo(5000 * 0.999 ** 4999, 6);
  });

  it("keeps gradients alive after the tidy scope that computed them", () => {
    const w = leaf([1, 2]);
    T.tidy(() => {
      backward(T.sum(T.mul(w, w)));
    });
    expect(w.grad?.disposed).toBe(false);
    expect(w.grad?.toArray()).toEqual([2, 4]);
  });
});

describe("hooks", () => {
  it("observe ∂L/∂h for an intermediate after all contributions arrived", () => {
    const x = leaf([1, 2]);
    const h = T.mul(x, 2);
    const seen: number[][] = [];
    registerHook(h, (g) => {
      seen.push(g.toArray() as number[]);
      return undefined;
    });
    // L = Σ h² + Σ 3h → ∂L/∂h = 2h + 3
    backward(T.add(T.sum(T.square(h)), T.sum(T.mul(h, 3))));
    expect(seen).toEqual([[7, 11]]);
  });

  it("can replace the gradient flowing on, and can be removed", () => {
    const x = leaf([1]);
    const h = T.mul(x, 5);
    const remove = registerHook(h, (g) => T.mul(g, 0));
    backward(h);
    expect(x.grad?.item()).toBe(0);
    remove();
    zeroGrad([x]);
    backward(T.mul(x, 5));
    expect(x.grad?.item()).toBe(5);
  });

  it("retainGrad keeps an intermediate's gradient", () => {
    const x = leaf([3]);
    const h = retainGrad(T.square(x));
    backward(T.mul(h, 2));
    expect(h.grad?.item()).toBe(2);
    expect(x.grad?.item()).toBe(12);
  });
});

describe("custom ops", () => {
  const cube = defineOp({
    name: "cube",
    forward: ([x]) => ({ outputs: [T.mul(x as T.Tensor, T.square(x as T.Tensor))] }),
    // dy/dx = 3x²
    backward: ({ grads: [g], inputs: [x] }) => [
      T.mul(g as T.Tensor, T.mul(T.square(x as T.Tensor), 3)),
    ],
  });

  it("runs a hand-written backward, checked by finite differences", () => {
    const x = T.tensor([0.5, -1, 2], { dtype: "float64" });
    expect(gradcheck((t) => cube([t], {})[0] as T.Tensor, [x]).checked).toBe(3);
  });

  it("handles several outputs, some without gradient", () => {
    const sumAndDiff = defineOp({
      name: "sumAndDiff",
      forward: ([a, b]) => ({
        outputs: [T.add(a as T.Tensor, b as T.Tensor), T.sub(a as T.Tensor, b as T.Tensor)],
      }),
      backward: ({ grads: [gs, gd] }) => {
        const s = gs ?? T.zeros([1], "float64");
        const d = gd ?? T.zeros([1], "float64");
        return [T.add(s, d), T.sub(s, d)];
      },
    });
    const a = leaf([1]);
    const b = leaf([2]);
    const [s] = sumAndDiff([a, b], {});
    backward(T.mul(s as T.Tensor, 4));
    expect([a.grad?.item(), b.grad?.item()]).toEqual([4, 4]);
  });
});

describe("custom ops that free what they saved", () => {
  // y = x², saving a copy of x (as a fused op saves activations) that release() frees.
  function squareOp(log: string[]) {
    return defineOp<Record<string, never>, T.Tensor>({
      name: "savingSquare",
      forward: ([x]) => ({ outputs: [T.square(x as T.Tensor)], saved: T.mul(x as T.Tensor, 1) }),
      backward: ({ grads: [g], saved }) => [T.mul(g as T.Tensor, T.mul(saved as T.Tensor, 2))],
      release: (saved) => {
        log.push("release");
        saved?.dispose();
      },
    });
  }

  it("frees the saved tensors once its backward has run, and a second backward says why it cannot run", () => {
    const log: string[] = [];
    const x = leaf([3]);
    const [y] = squareOp(log)([x], {});
    const loss = T.mul(y as T.Tensor, 1);
    backward(loss);
    expect(x.grad?.item()).toBe(6);
    expect(log).toEqual(["release"]);
    expect(() => backward(loss)).toThrow(
      expect.objectContaining({
        code: "GRAPH_FREED",
        message: expect.stringMatching(/savingSquare.*retainGraph: true/),
      }),
    );
  });

  it("frees them at once when nothing is recorded (under noGrad)", () => {
    const log: string[] = [];
    const x = leaf([3]);
    const [y] = noGrad(() => squareOp(log)([x], {}));
    expect(y?.item()).toBe(9);
    expect(log).toEqual(["release"]);
  });

  it("keeps them under retainGraph, so the same graph can be differentiated twice", () => {
    const log: string[] = [];
    const x = leaf([3]);
    const [y] = squareOp(log)([x], {});
    backward(y as T.Tensor, undefined, { retainGraph: true });
    expect(log).toEqual([]);
    backward(y as T.Tensor);
    expect(x.grad?.item()).toBe(12); // accumulated over the two passes
    expect(log).toEqual(["release"]);
  });
});

describe("debug: checkFinite", () => {
  it("names the op that first produced a NaN, forward and backward", () => {
    setDebug({ checkFinite: true });
    try {
      const x = leaf([-1, 4]);
      expect(() => T.log(x)).toThrowErrorMatchingInlineSnapshot(
        `[AutogradError: Log (forward): produced NaN at flat index 0 of its output [2] from finite inputs]`,
      );
      const z = leaf([0, 1]);
      const s = T.sqrt(z); // finite forward, infinite derivative at 0
      expect(() => backward(T.sum(s))).toThrowErrorMatchingInlineSnapshot(
        `[AutogradError: Sqrt (backward): gradient for input 0 holds Infinity at flat index 0 (shape [2])]`,
      );
    } finally {
      setDebug({ checkFinite: false });
    }
  });
});
