/**
 * One step at a time, fast: generation feeds a model one token and reads
 * one prediction, thousands of times, so per-step overhead matters more
 * than the arithmetic (an LSTM of 256 needs ~0.3 M multiply-adds a token).
 * A `Stepper` runs any cell the derived path serves (built-ins and plugins
 * alike) from the same plan as the fused sequence path (see compile/): per
 * layer the input products, the recurrent products level by level, and the
 * generated element-wise kernel, over buffers made once, with no tensors
 * made per step and nothing recorded; then an optional linear head. One
 * direction, any number of layers; its results equal `Recurrent.forward`
 * step by step.
 */
import { noGrad } from "@recurrent/autograd";
import { type Linear, layerParameterName } from "@recurrent/nn";
import {
  contiguous,
  type DType,
  keep,
  kernel,
  reshape,
  slice,
  type Tensor,
  zeros,
} from "@recurrent/tensor";
import type { CellContext, CellState } from "./cell.js";
import { addFoldedVector } from "./compile/fuse.js";
import { type Plan, planFor } from "./compile/plan.js";
import { replay } from "./compile/replay.js";
import { type RowsView, rowsView } from "./compile/rows-view.js";
import { type ProgramFrame, ProgramRunner, programFrame } from "./compile/run-program.js";
import { CellError } from "./errors.js";
import type { Recurrent } from "./recurrent.js";

interface Layer {
  readonly plan: Plan;
  readonly operands: Tensor[];
  /** A buffer per slot ([B, width]); the state slots swap between `prev` and `next` each step. */
  readonly slotTensors: (Tensor | null)[];
  readonly prev: Tensor[];
  readonly next: Tensor[];
  /** Where the level programs read and write; offsets move as the state buffers swap. */
  readonly frame: ProgramFrame;
  /** Per level: the forward program (no saved activations), or null. */
  readonly runners: (ProgramRunner | null)[];
  readonly stateSlots: number[];
  readonly nextSlots: number[];
  /** Per hoisted product and per recurrent product: the views of A and out. */
  readonly hoistedViews: { a: RowsView; out: RowsView }[];
  readonly productViews: { a: RowsView; out: RowsView; beta: number }[];
  readonly y: Tensor;
}

export interface StepperOptions {
  readonly batch?: number;
  /** A linear head applied to the top layer's output; `step` then returns its output. */
  readonly head?: Linear;
}

const spec = (transposeB: boolean, beta: number) =>
  ({ transposeA: false, transposeB, alpha: 1, beta }) as const;

export class Stepper {
  readonly batch: number;
  private readonly layers: Layer[] = [];
  private readonly input: Tensor;
  private readonly parts: readonly string[];
  private readonly head: { weight: Tensor; bias: Tensor | null; out: Tensor } | null;

  constructor(
    readonly recurrent: Recurrent,
    options: StepperOptions = {},
  ) {
    const definition = recurrent.cell.definition;
    if (recurrent.directions !== 1)
      throw new CellError(
        "CONFIG",
        "Stepper: a bidirectional layer needs the whole sequence; use Recurrent.forward",
      );
    this.batch = options.batch ?? 1;
    const B = this.batch;
    const params = new Map(recurrent.namedParameters());
    const dtype = recurrent.parameters()[0]?.dtype === "float64" ? "float64" : "float32";
    let input = recurrent.inputSize;
    let parts: readonly string[] = [];
    for (let l = 0; l < recurrent.numLayers; l++) {
      const config = { ...recurrent.cell.config, input } as Record<string, unknown> & CellContext;
      const result = planFor(definition, config);
      if (!("plan" in result)) {
        throw new CellError(
          "CONFIG",
          `Stepper: ${definition.name} has no derived one-step path (${result.reason}); run Recurrent.forward one step at a time instead`,
        );
      }
      const { plan } = result;
      const names = Object.keys(definition.params(config));
      const layerParams: Record<string, Tensor> = {};
      for (const n of names) layerParams[n] = params.get(layerParameterName(n, l)) as Tensor;
      const operands = noGrad(() => {
        const cache = new Map<number, Tensor>();
        return plan.lowered.operands.map((o) =>
          keep(contiguous(replay(plan.trace, o.node, layerParams, dtype, cache))),
        );
      });
      this.layers.push(this.buildLayer(plan, operands, B, dtype));
      parts = plan.lowered.stateParts;
      input = plan.lowered.outputWidth;
    }
    this.parts = parts;
    this.input = keep(zeros([B, recurrent.inputSize], dtype));
    const head = options.head;
    this.head =
      head === undefined
        ? null
        : {
            weight: head.weight,
            bias: head.bias,
            out: keep(zeros([B, head.weight.shape[0] as number], dtype)),
          };
  }

  private buildLayer(plan: Plan, operands: Tensor[], B: number, dtype: DType): Layer {
    const { lowered } = plan;
    const slots = lowered.slots;
    const parts = lowered.stateParts;
    const prev = parts.map((p) => keep(zeros([B, lowered.stateWidths[p] as number], dtype)));
    const next = parts.map((p) => keep(zeros([B, lowered.stateWidths[p] as number], dtype)));
    const y = keep(zeros([B, lowered.outputWidth], dtype));
    const slotTensors = slots.map((slot): Tensor | null => {
      switch (slot.kind) {
        case "proj":
        case "product":
        case "operand":
          return keep(zeros([B, slot.width], dtype));
        case "y":
          return y;
        default:
          return null; // x: the layer input; state/next: swapped per step
      }
    });
    const stateSlots = parts.map((p) => slots.findIndex((s) => s.kind === "state" && s.key === p));
    const nextSlots = parts.map((p) => slots.findIndex((s) => s.kind === "next" && s.key === p));
    const vecs = lowered.vectors.map((v, i) => (v < 0 ? null : (operands[i] as Tensor)));
    const frame = programFrame(
      slots.map((s) => s.width),
      vecs,
    );
    slotTensors.forEach((t, k) => {
      if (t !== null) {
        frame.O[k] = t.offset;
        frame.slot[k] = t.storage;
      }
    });
    const tensorOf = (k: number) => slotTensors[k] as Tensor;
    // A product folded into a projection accumulates into its rows (see compile/fuse.ts).
    const productViews = lowered.products.map((p, g) => {
      const into = plan.fusion.productInto[g] as number;
      const out = into >= 0 ? (lowered.hoisted[into] as { out: number }).out : p.out;
      return {
        a:
          slots[p.a]?.kind === "operand"
            ? rowsView(tensorOf(p.a), B, p.k)
            : rowsView(prev[parts.indexOf(slots[p.a]?.key as string)] as Tensor, B, p.k),
        out: rowsView(tensorOf(out), B, p.n),
        beta: into >= 0 ? 1 : 0,
      };
    });
    const hoistedViews = lowered.hoisted.map((p) => ({
      a: rowsView(y, B, p.k), // set to the layer input per step
      out: rowsView(tensorOf(p.out), B, p.n),
    }));
    return {
      plan,
      operands,
      slotTensors,
      prev,
      next,
      frame,
      runners: plan.programs.map((l) => (l === null ? null : new ProgramRunner(l.inference))),
      stateSlots,
      nextSlots,
      hoistedViews,
      productViews,
      y,
    };
  }

  /** Zero the state of every layer. */
  reset(): void {
    const fill = kernel("fill");
    for (const layer of this.layers) for (const t of layer.prev) fill(t.storage, 0);
  }

  /** Set the state from `Recurrent`'s layout: each part [layers, batch, …]. */
  setState(state: CellState): void {
    const copy = kernel("copy");
    this.layers.forEach((layer, l) => {
      this.parts.forEach((part, i) => {
        const from = state[part];
        const to = layer.prev[i] as Tensor;
        if (from === undefined) return;
        copy(contiguous(reshape(slice(from, [l], [l + 1]), to.shape)), to.storage);
      });
    });
  }

  /** The state in `Recurrent`'s layout (fresh tensors). */
  getState(): CellState {
    const out: CellState = {};
    this.parts.forEach((part, i) => {
      const first = this.layers[0]?.prev[i] as Tensor;
      const all = zeros([this.layers.length, ...first.shape], first.dtype);
      this.layers.forEach((layer, l) => {
        const to = reshape(slice(all, [l], [l + 1]), first.shape);
        kernel("copyInto")(layer.prev[i] as Tensor, to);
      });
      out[part] = all;
    });
    return out;
  }

  /** One step from input rows [batch, inputSize]; returns the head's output (or the top output), a view valid until the next step. */
  step(input: ArrayLike<number>): Float32Array {
    // data(): the tensor's own live view (the input is contiguous and made once).
    this.input.data().set(input);
    return this.run();
  }

  /** One step from token ids (one-hot input rows). */
  stepTokens(ids: ArrayLike<number>): Float32Array {
    const rows = this.input.data();
    const width = this.recurrent.inputSize;
    rows.fill(0);
    for (let b = 0; b < this.batch; b++) rows[b * width + (ids[b] as number)] = 1;
    return this.run();
  }

  private run(): Float32Array {
    const B = this.batch;
    const gemm = kernel("gemm");
    let x = this.input;
    for (const layer of this.layers) {
      this.stepLayer(layer, x, B, gemm);
      x = layer.y;
    }
    const top = this.layers[this.layers.length - 1] as Layer;
    const width = top.plan.lowered.outputWidth;
    if (this.head === null) return top.y.data().subarray(0, B * width) as Float32Array;
    const { weight, bias, out } = this.head;
    const n = out.shape[1] as number;
    const outView = rowsView(out, B, n);
    gemm(rowsView(x, B, width), weight, outView, spec(true, 0));
    if (bias !== null) kernel("binary")("add", outView, bias, outView.shape, out.storage);
    return out.data().subarray(0, B * n) as Float32Array;
  }

  private stepLayer(
    layer: Layer,
    x: Tensor,
    B: number,
    gemm: ReturnType<typeof kernel<"gemm">>,
  ): void {
    const { plan, operands, frame } = layer;
    const { O } = frame;
    const { lowered } = plan;
    const slots = lowered.slots;
    lowered.hoisted.forEach((p, k) => {
      const views = layer.hoistedViews[k] as { a: RowsView; out: RowsView };
      views.a.storage = x.storage;
      views.a.offset = x.offset;
      gemm(views.a, operands[p.operand] as Tensor, views.out, spec(p.transposeB, 0));
    });
    plan.fusion.vectorInto.forEach((h, v) => {
      if (h >= 0) {
        const views = layer.hoistedViews[h] as { out: RowsView };
        addFoldedVector(views.out, operands[v] as Tensor);
      }
    });
    const xSlot = slots.findIndex((s) => s.kind === "x");
    if (xSlot >= 0) {
      O[xSlot] = x.offset;
      frame.slot[xSlot] = x.storage;
    }
    layer.stateSlots.forEach((k, i) => {
      const t = layer.prev[i] as Tensor;
      O[k] = t.offset;
      frame.slot[k] = t.storage;
    });
    layer.nextSlots.forEach((k, i) => {
      if (k < 0) return;
      const t = layer.next[i] as Tensor;
      O[k] = t.offset;
      frame.slot[k] = t.storage;
    });
    for (let level = 0; level <= lowered.levels; level++) {
      if (level > 0) {
        lowered.products.forEach((p, g) => {
          if (p.level !== level) return;
          const views = layer.productViews[g] as { a: RowsView; out: RowsView; beta: number };
          gemm(views.a, operands[p.operand] as Tensor, views.out, spec(p.transposeB, views.beta));
        });
      }
      layer.runners[level]?.run(frame, B, lowered.lane);
    }
    // The next state becomes the previous one: swap the buffers (and the product views reading them).
    for (let i = 0; i < layer.prev.length; i++) {
      const p = layer.prev[i] as Tensor;
      layer.prev[i] = layer.next[i] as Tensor;
      layer.next[i] = p;
    }
    lowered.products.forEach((p, g) => {
      const slotA = slots[p.a];
      if (slotA?.kind !== "state") return;
      const t = layer.prev[lowered.stateParts.indexOf(slotA.key as string)] as Tensor;
      const views = layer.productViews[g] as { a: RowsView; out: RowsView };
      views.a.storage = t.storage;
      views.a.offset = t.offset;
    });
  }

  /** Free the buffers (the stepper is unusable afterwards). */
  dispose(): void {
    for (const layer of this.layers) {
      // (Operands are not disposed: where a parameter is used as it is, an operand is the parameter.)
      for (const t of [...layer.prev, ...layer.next, layer.y]) t.dispose();
      for (const t of layer.slotTensors) if (t !== null && t !== layer.y) t.dispose();
    }
    this.input.dispose();
    this.head?.out.dispose();
  }
}
