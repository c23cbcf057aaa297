/**
 * `SequenceModel`: the whole model a user trains, in the usual three parts:
 *
 *     input encoding → Recurrent (any cell) → Linear head, at every step
 *
 * The encoding is one-hot or an `Embedding` for token ids (a language model:
 * the head gives next-token logits), or the raw features of a series (a
 * forecaster: the head gives the next value). Its children are named
 * `embedding` (only with an embedding), `recurrent` and `head`, so a state
 * dict reads `recurrent.weight_ih_l0`, `head.weight`, …; the trainer saves
 * and loads it like any module.
 */
import { Embedding, Linear, Module } from "@recurrent/nn";
import { Generator, oneHot, type Tensor } from "@recurrent/tensor";
import type { Cell, CellState } from "./cell.js";
import { CellError } from "./errors.js";
import { type ForwardOptions, Recurrent, type RecurrentOptions } from "./recurrent.js";

/** How the input becomes features for the first recurrent layer. */
export type SequenceInput =
  /** int32 token ids, each step a one-hot vector of `vocab` features (the note's x_t). */
  | { readonly kind: "one-hot"; readonly vocab: number }
  /** int32 token ids through a learned `Embedding(vocab, size)`. */
  | {
      readonly kind: "embedding";
      readonly vocab: number;
      readonly size: number;
      readonly paddingIdx?: number;
    }
  /** Float features as they are, `size` per step (a series: size 1). */
  | { readonly kind: "features"; readonly size: number };

export interface SequenceModelOptions extends Omit<RecurrentOptions, "inputSize"> {
  readonly input: SequenceInput;
  /** Outputs of the head per step: the vocabulary for a language model, 1 for a series. */
  readonly outputSize: number;
}

export interface SequenceModelResult {
  /** [time, batch, outputSize] (batch first when asked): logits or predictions for every step. */
  readonly output: Tensor;
  /** The final recurrent state, to carry into the next call. */
  readonly state: CellState;
  /** [time, batch, hidden · directions]: the recurrent outputs the head read. */
  readonly hidden: Tensor;
}

/**
 * @example
 * const model = new SequenceModel(createCell(lstm, { hidden: 64 }), {
 *   input: { kind: "embedding", vocab: 65, size: 32 },
 *   outputSize: 65,
 * });
 * const { output, state } = model.forward(ids); // int32 [time, batch] → logits [time, batch, 65]
 * const next = model.forward(moreIds, { state: detachState(state) }); // truncated BPTT across calls
 */
export class SequenceModel extends Module {
  readonly input: SequenceInput;
  readonly embedding: Embedding | null;
  readonly recurrent: Recurrent;
  readonly head: Linear;
  readonly outputSize: number;

  constructor(cell: Cell, options: SequenceModelOptions) {
    super();
    const { input, outputSize, ...recurrentOptions } = options;
    this.input = input;
    this.outputSize = outputSize;
    const seed = options.seed ?? 0;
    const dtype = options.dtype ?? "float32";
    const generator = new Generator(seed + 2); // Recurrent draws from seed and seed + 1
    for (const [name, value] of sizesOf(input, outputSize)) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new CellError(
          "CONFIG",
          `SequenceModel: ${name} must be a positive integer, got ${value}`,
        );
      }
    }
    let features: number;
    if (input.kind === "embedding") {
      this.embedding = this.registerModule(
        "embedding",
        new Embedding(input.vocab, input.size, {
          generator,
          dtype,
          ...(input.paddingIdx === undefined ? {} : { paddingIdx: input.paddingIdx }),
        }),
      );
      features = input.size;
    } else {
      this.embedding = null;
      features = input.kind === "one-hot" ? input.vocab : input.size;
    }
    this.recurrent = this.registerModule(
      "recurrent",
      new Recurrent(cell, { ...recurrentOptions, inputSize: features }),
    );
    this.head = this.registerModule(
      "head",
      new Linear(this.recurrent.outputSize * this.recurrent.directions, outputSize, {
        generator,
        dtype,
      }),
    );
  }

  /** Zeros for every state part, [layers · directions, batch, …]. */
  initialState(batch: number): CellState {
    return this.recurrent.initialState(batch);
  }

  /**
   * Token ids int32 [time, batch] (one-hot, embedding) or features
   * [time, batch, size] ([batch, time, …] when batchFirst) → the head's
   * output at every step and the final state. Options as `Recurrent.forward`:
   * initial state, mask, truncation, onStep.
   */
  forward(x: Tensor, options: ForwardOptions = {}): SequenceModelResult {
    // One-hot inputs go in as the ids themselves: Recurrent looks W_ih's columns up.
    const input = this.input.kind === "one-hot" ? this.checkIds(x) : this.encode(x);
    const { output: hidden, state } = this.recurrent.forward(input, options);
    return { output: this.head.forward(hidden), state, hidden };
  }

  /** The features the first recurrent layer reads. */
  encode(x: Tensor): Tensor {
    const input = this.input;
    if (input.kind === "features") return x;
    this.checkIds(x);
    if (input.kind === "embedding") return (this.embedding as Embedding).forward(x);
    const dtype = this.head.weight.dtype === "float64" ? "float64" : "float32";
    return oneHot(x, input.vocab, dtype);
  }

  private checkIds(x: Tensor): Tensor {
    if (x.dtype !== "int32" || x.rank !== 2) {
      const layout = this.recurrent.batchFirst ? "[batch, time]" : "[time, batch]";
      throw new CellError(
        "SHAPE",
        `SequenceModel: ${this.input.kind} input must be int32 token ids ${layout}, got ${x.dtype} [${x.shape.join(", ")}]`,
      );
    }
    return x;
  }

  protected override extraRepr(): string {
    const { input } = this;
    const encoding =
      input.kind === "features" ? `features ${input.size}` : `${input.kind} ${input.vocab}`;
    return `${encoding} → ${this.recurrent.cell.definition.name} → ${this.outputSize}`;
  }
}

function sizesOf(input: SequenceInput, outputSize: number): [string, number][] {
  const out: [string, number][] = [["outputSize", outputSize]];
  if (input.kind !== "features") out.push(["input.vocab", input.vocab]);
  if (input.kind !== "one-hot") out.push(["input.size", input.size]);
  return out;
}
