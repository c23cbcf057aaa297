/**
 * What the derived path holds in memory, measured on the wasm backend (whose
 * allocator counts live bytes): the trace's placeholder tensors, as large as
 * the parameters, are gone once the plan is built, and each layer's saved
 * activations are freed as soon as its backward has run (as in PyTorch), not
 * when the caller's scope closes.
 */
import { backward } from "@recurrent/autograd";
import { Generator, getBackend, setBackend, sum, type Tensor, tidy } from "@recurrent/tensor";
import { beforeAll, describe, expect, it } from "vitest";
import { createCell } from "../cell.js";
import { lstm } from "../cells/lstm.js";
import { Recurrent } from "../recurrent.js";

const [T, B, I, H, layers] = [12, 4, 6, 40, 2];
const live = () => getBackend().memory();

describe("memory of the derived path (wasm)", () => {
  beforeAll(() => {
    setBackend("wasm");
  });

  it("the first forward, which traces the step, leaves as many buffers live as the second", () => {
    const model = new Recurrent(createCell(lstm, { hidden: H + 1 }), {
      inputSize: I,
      numLayers: layers,
      seed: 0,
    });
    const x = new Generator(0).normal([T, B, I]);
    tidy(() => {
      const start = live().liveBuffers;
      model.forward(x);
      const first = live().liveBuffers - start;
      model.forward(x);
      const second = live().liveBuffers - start - first;
      expect(first).toBe(second);
    });
  });

  it("each layer's saved activations are freed by its backward, and kept under retainGraph", () => {
    const model = new Recurrent(createCell(lstm, { hidden: H }), {
      inputSize: I,
      numLayers: layers,
      seed: 0,
    });
    const x = new Generator(1).normal([T, B, I]);
    const liveAfterBackward = (retainGraph: boolean) =>
      tidy(() => {
        for (const [, p] of model.namedParameters()) {
          p.grad?.dispose();
          p.grad = null;
        }
        const { output } = model.forward(x);
        backward(sum(output as Tensor), undefined, { retainGraph });
        return live();
      });
    liveAfterBackward(false); // the plan and the allocator's caches warm up
    const retained = liveAfterBackward(true);
    const freed = liveAfterBackward(false);
    // Every layer saved at least its four gates at every step, T·B·4H float32, now gone.
    expect(retained.liveBuffers - freed.liveBuffers).toBeGreaterThanOrEqual(layers);
    expect(retained.liveBytes - freed.liveBytes).toBeGreaterThanOrEqual(layers * T * B * 4 * H * 4);
  });
});
