/**
 * One step at a time, fast: generation feeds a model one token and reads
 * one prediction, thousands of times, so per-step overhead matters more
 * than the arithmetic (an LSTM of 256 needs ~0.3 M multiply-adds a token).
 * A `Stepper` allocates its buffers once and drives the fused kernels
 * directly — a matrix–vector product per weight, the gate kernel, and an
 * optional linear head — with no tensors made per step and nothing
 * recorded. It serves the built-in rnn, lstm and gru, one direction, any
 * number of layers; its results equal `Recurrent.forward` step by step.
 */
import type { Linear } from "@recurrent/nn";
import {
  contiguous,
  keep,
  kernel,
  reshape,
  slice,
  type Tensor,
  type View,
  zeros,
} from "@recurrent/tensor";
import type { CellState } from "./cell.js";
import { CellError } from "./errors.js";
import { rowsOf } from "./fused/buffers.js";
import type { Recurrent } from "./recurrent.js";

type Kind = "lstm" | "gru" | "rnn";

interface Layer {
  readonly input: number;
  readonly wIh: Tensor;
  readonly wHh: Tensor;
  /** Bias (b_ih + b_hh for lstm and rnn; b_ih for gru) repeated for every row. */
  readonly bias: Float32Array;
  /** b_hh repeated for every row (gru only). */
  readonly biasHh: Float32Array | null;
  readonly h: Tensor;
  readonly c: Tensor | null;
  /** [B, kH] work buffers: gate pre-activations (and the recurrent projection for gru). */
  readonly gates: Tensor;
  readonly recurrentGates: Tensor | null;
}

export interface StepperOptions {
  readonly batch?: number;
  /** A linear head applied to the top layer's output; `step` then returns its output. */
  readonly head?: Linear;
}

/** The first `rows` rows of a contiguous buffer as a [rows, width] view. */
const rowsView = (t: Tensor, rows: number, width: number): View => rowsOf(t, 0, rows, width);

export class Stepper {
  readonly batch: number;
  private readonly kind: Kind;
  private readonly hidden: number;
  private readonly layers: Layer[] = [];
  private readonly input: Tensor;
  private readonly head: { weight: Tensor; bias: Float32Array | null; out: Tensor } | null;

  constructor(
    readonly recurrent: Recurrent,
    options: StepperOptions = {},
  ) {
    const name = recurrent.cell.definition.name;
    if (name !== "lstm" && name !== "gru" && name !== "rnn") {
      throw new CellError(
        "CONFIG",
        `Stepper: serves the built-in rnn, lstm and gru, got "${name}" (run Recurrent.forward one step at a time instead)`,
      );
    }
    if (recurrent.directions !== 1)
      throw new CellError(
        "CONFIG",
        "Stepper: a bidirectional layer needs the whole sequence; use Recurrent.forward",
      );
    this.kind = name;
    this.batch = options.batch ?? 1;
    this.hidden = recurrent.outputSize;
    const B = this.batch;
    const H = this.hidden;
    const gates = name === "lstm" ? 4 : name === "gru" ? 3 : 1;
    const params = new Map(recurrent.namedParameters());
    const param = (p: string) => params.get(p) as Tensor;
    const repeat = (t: Tensor) => {
      const row = Float32Array.from(contiguous(t).data());
      const out = new Float32Array(row.length * B);
      for (let b = 0; b < B; b++) out.set(row, b * row.length);
      return out;
    };
    for (let l = 0; l < recurrent.numLayers; l++) {
      const bIh = param(`bias_ih_l${l}`);
      const bHh = param(`bias_hh_l${l}`);
      const ih = repeat(bIh);
      const hh = repeat(bHh);
      const summed = ih.map((v, i) => v + (hh[i] as number));
      this.layers.push({
        input: l === 0 ? recurrent.inputSize : H,
        wIh: param(`weight_ih_l${l}`),
        wHh: param(`weight_hh_l${l}`),
        bias: name === "gru" ? ih : summed,
        biasHh: name === "gru" ? hh : null,
        h: keep(zeros([B, H])),
        c: name === "lstm" ? keep(zeros([B, H])) : null,
        gates: keep(zeros([B, gates * H])),
        recurrentGates: name === "gru" ? keep(zeros([B, gates * H])) : null,
      });
    }
    this.input = keep(zeros([B, recurrent.inputSize]));
    const head = options.head;
    this.head =
      head === undefined
        ? null
        : {
            weight: head.weight,
            bias: head.bias === null ? null : repeat(head.bias),
            out: keep(zeros([B, head.weight.shape[0] as number])),
          };
  }

  /** Zero the state (h, and c for lstm) of every layer. */
  reset(): void {
    for (const layer of this.layers) {
      layer.h.storage.array.fill(0, layer.h.offset, layer.h.offset + layer.h.size);
      layer.c?.storage.array.fill(0, layer.c.offset, layer.c.offset + layer.c.size);
    }
  }

  /** Set the state from `Recurrent`'s layout: each part [layers, batch, hidden]. */
  setState(state: CellState): void {
    this.layers.forEach((layer, l) => {
      const copy = (from: Tensor | undefined, to: Tensor | null) => {
        if (from === undefined || to === null) return;
        const part = contiguous(reshape(slice(from, [l], [l + 1]), [this.batch, this.hidden]));
        to.storage.array.set(part.data(), to.offset);
      };
      copy(state.h, layer.h);
      copy(state.c, layer.c);
    });
  }

  /** The state in `Recurrent`'s layout (fresh tensors). */
  getState(): CellState {
    const stack = (pick: (layer: Layer) => Tensor | null) => {
      const out = zeros([this.layers.length, this.batch, this.hidden]);
      this.layers.forEach((layer, l) => {
        const t = pick(layer);
        if (t !== null) out.storage.array.set(t.data(), out.offset + l * this.batch * this.hidden);
      });
      return out;
    };
    return this.kind === "lstm"
      ? { h: stack((l) => l.h), c: stack((l) => l.c) }
      : { h: stack((l) => l.h) };
  }

  /** One step from input rows [batch, inputSize]; returns the head's output (or the top h), a view valid until the next step. */
  step(input: ArrayLike<number>): Float32Array {
    this.input.storage.array.set(input, this.input.offset);
    return this.run();
  }

  /** One step from token ids (one-hot input rows). */
  stepTokens(ids: ArrayLike<number>): Float32Array {
    const x = this.input;
    const width = this.recurrent.inputSize;
    x.storage.array.fill(0, x.offset, x.offset + x.size);
    for (let b = 0; b < this.batch; b++)
      x.storage.array[x.offset + b * width + (ids[b] as number)] = 1;
    return this.run();
  }

  private run(): Float32Array {
    const B = this.batch;
    const H = this.hidden;
    const gemm = kernel("gemm");
    const product = { transposeA: false, transposeB: true, alpha: 1, beta: 1 };
    let x = rowsView(this.input, B, this.recurrent.inputSize);
    for (const layer of this.layers) {
      const g = layer.gates;
      const gView = rowsView(g, B, g.shape[1] as number);
      g.storage.array.set(layer.bias, g.offset);
      gemm(x, layer.wIh, gView, product);
      const h = rowsView(layer.h, B, H);
      if (this.kind === "gru") {
        const hp = layer.recurrentGates as Tensor;
        const hpView = rowsView(hp, B, 3 * H);
        hp.storage.array.set(layer.biasHh as Float32Array, hp.offset);
        gemm(h, layer.wHh, hpView, product);
        kernel("gruForward")({
          batch: B,
          hidden: H,
          xp: gView,
          hp: hpView,
          gates: gView,
          hPrev: h,
          h,
          y: h,
          mask: null,
        });
      } else {
        gemm(h, layer.wHh, gView, product);
        if (this.kind === "lstm") {
          const c = rowsView(layer.c as Tensor, B, H);
          kernel("lstmForward")({
            batch: B,
            hidden: H,
            gates: gView,
            cPrev: c,
            hPrev: h,
            c,
            h,
            y: h,
            mask: null,
          });
        } else {
          const activation = this.recurrent.cell.config.nonlinearity === "relu" ? "relu" : "tanh";
          kernel("rnnForward")({
            batch: B,
            hidden: H,
            activation,
            pre: gView,
            hPrev: h,
            h,
            y: h,
            mask: null,
          });
        }
      }
      x = h;
    }
    const top = this.layers[this.layers.length - 1] as Layer;
    if (this.head === null)
      return top.h.storage.array.subarray(top.h.offset, top.h.offset + B * H) as Float32Array;
    const { weight, bias, out } = this.head;
    const width = out.shape[1] as number;
    const outView = rowsView(out, B, width);
    if (bias === null) out.storage.array.fill(0, out.offset, out.offset + out.size);
    else out.storage.array.set(bias, out.offset);
    gemm(x, weight, outView, product);
    return out.storage.array.subarray(out.offset, out.offset + B * width) as Float32Array;
  }

  /** Free the buffers (the stepper is unusable afterwards). */
  dispose(): void {
    for (const layer of this.layers) {
      for (const t of [layer.h, layer.c, layer.gates, layer.recurrentGates]) t?.dispose();
    }
    this.input.dispose();
    this.head?.out.dispose();
  }
}
