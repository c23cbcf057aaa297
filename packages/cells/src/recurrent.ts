/**
 * `Recurrent`: a module that runs a cell over a sequence, as torch.nn.LSTM
 * does for the LSTM, but for any cell: stacked layers, both directions,
 * dropout between layers, batch-first input, an initial state in and the
 * final state out, variable-length batches through a mask or lengths, and
 * full or truncated BPTT.
 *
 * Parameters are named PyTorch-style, `<param>_l<layer>` and
 * `<param>_l<layer>_reverse`, so the built-in rnn, lstm and gru load
 * PyTorch state dicts as they are. The final state of each part is stacked
 * like PyTorch's h_n: [layers · directions, batch, …].
 */
import { layerParameterName, Module, type Parameter, recurrentUniform } from "@recurrent/nn";
import {
  concat,
  contiguous,
  Generator,
  mul,
  oneHot,
  reshape,
  type Shape,
  slice,
  stack,
  type Tensor,
  transpose,
  zeros,
} from "@recurrent/tensor";
import type { Cell, CellContext, CellState, ParamSpec } from "./cell.js";
import { runDerived } from "./compile/derived.js";
import { planFor } from "./compile/plan.js";
import { CellError } from "./errors.js";
import { lengthsToMask } from "./lengths.js";
import { runSteps } from "./runner.js";

export interface RecurrentOptions {
  /** Features per step of the input. */
  readonly inputSize: number;
  readonly numLayers?: number;
  readonly bidirectional?: boolean;
  /** Dropout probability on the outputs of every layer but the last (training mode only). */
  readonly dropout?: number;
  /** Input and output are [batch, time, features] instead of [time, batch, features]. */
  readonly batchFirst?: boolean;
  /** Seed of the parameter initialisation and of dropout. */
  readonly seed?: number;
  /**
   * Use a fused path (default true): the cell's own `fused` where it has one,
   * else the path derived from its step (see compile/). "derived" skips the
   * cell's own and throws where the derived path cannot serve; false runs the
   * step path.
   */
  readonly fused?: boolean | "derived";
  readonly dtype?: "float32" | "float64";
}

export interface ForwardOptions {
  /** The initial state, each part [layers · directions, batch, …]; zeros when left out. */
  readonly state?: CellState;
  /** [time, batch] (or [batch, time] when batchFirst) 1/0 for real steps and padding. */
  readonly mask?: Tensor | null;
  /**
   * Instead of a mask: each row's length, [batch] (PyTorch's
   * pack_padded_sequence lengths); rows are right-padded after it.
   */
  readonly lengths?: Int32Array | Tensor;
  /** With `lengths`: require them in decreasing order (default true, as PyTorch's enforce_sorted). */
  readonly enforceSorted?: boolean;
  /** Truncated BPTT inside this call: cut the gradient through the state every k steps. */
  readonly truncate?: number;
  /** Called with each step's state per layer and direction (forces the step path). */
  readonly onStep?: (layer: number, direction: number, t: number, state: CellState) => void;
}

export interface RecurrentResult {
  /** [time, batch, out · directions] (batch first when asked). */
  readonly output: Tensor;
  /** The final state, each part [layers · directions, batch, …]. */
  readonly state: CellState;
}

export class Recurrent extends Module {
  readonly cell: Cell;
  readonly inputSize: number;
  readonly numLayers: number;
  readonly directions: 1 | 2;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly fused: boolean | "derived";
  /** Output features per step of the last layer (per direction). */
  readonly outputSize: number;
  /** The generator behind dropout between layers; its state goes into checkpoints for exact resume. */
  readonly dropoutRng: Generator;
  private readonly layerParams: Record<string, Parameter>[][] = [];

  constructor(cell: Cell, options: RecurrentOptions) {
    super();
    this.cell = cell;
    this.inputSize = options.inputSize;
    this.numLayers = options.numLayers ?? 1;
    this.directions = options.bidirectional ? 2 : 1;
    this.dropout = options.dropout ?? 0;
    this.batchFirst = options.batchFirst ?? false;
    this.fused = options.fused ?? true;
    for (const [name, value] of [
      ["inputSize", this.inputSize],
      ["numLayers", this.numLayers],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new CellError(
          "CONFIG",
          `Recurrent: ${name} must be a positive integer, got ${value}`,
        );
      }
    }
    if (!(this.dropout >= 0 && this.dropout < 1)) {
      throw new CellError("CONFIG", `Recurrent: dropout must be in [0, 1), got ${this.dropout}`);
    }
    const rng = new Generator(options.seed ?? 0);
    this.dropoutRng = new Generator((options.seed ?? 0) + 1);
    const definition = cell.definition;
    let input = this.inputSize;
    let outputSize = 0;
    let firstShapes: Record<string, Shape> = {};
    for (let layer = 0; layer < this.numLayers; layer++) {
      const context = { ...cell.config, input } as Record<string, unknown> & CellContext;
      outputSize = definition.outputSize(context);
      // Final states stack as [layers · directions, batch, …]: every layer's must agree.
      const shapes = definition.state({ ...context, batch: 1 }) as Record<string, Shape>;
      if (layer === 0) firstShapes = shapes;
      for (const [part, shape] of Object.entries(shapes)) {
        const first = firstShapes[part] as Shape;
        if (shape.some((d, i) => d !== first[i])) {
          const show = (s: Shape) => `[batch, ${s.slice(1).join(", ")}]`;
          throw new CellError(
            "CONFIG",
            `${definition.name}: layer ${layer} would keep its state "${part}" as ${show(shape)}, layer 0 as ${show(first)}; stacked states must share one shape (layer ${layer} reads ${input} features, layer 0 reads ${this.inputSize})`,
          );
        }
      }
      const perDirection: Record<string, Parameter>[] = [];
      for (let direction = 0; direction < this.directions; direction++) {
        const params: Record<string, Parameter> = {};
        const hidden = typeof cell.config.hidden === "number" ? cell.config.hidden : outputSize;
        for (const [name, spec] of Object.entries(definition.params(context))) {
          if (spec === undefined) continue;
          const { shape, init } = normalize(spec);
          const value = (init ?? recurrentUniform({ hidden }))(
            shape,
            rng,
            options.dtype ?? "float32",
          );
          params[name] = this.registerParameter(
            layerParameterName(name, layer, direction === 1),
            value,
          );
        }
        perDirection.push(params);
      }
      this.layerParams.push(perDirection);
      input = outputSize * this.directions;
    }
    this.outputSize = outputSize;
  }

  /** Zeros for every state part, [layers · directions, batch, …]. */
  initialState(batch: number): CellState {
    const state: CellState = {};
    for (const [name, shape] of Object.entries(this.initialStateShapes(batch)))
      state[name] = zeros(shape, this.dtypeOf());
    return state;
  }

  /**
   * Run over x: [time, batch, inputSize] ([batch, time, inputSize] when
   * batchFirst), or int32 token ids [time, batch] ([batch, time]) standing for
   * one-hot rows of inputSize: the built-in cells then look up W_ih's columns
   * instead of multiplying by a one-hot matrix (same model, same gradients).
   */
  forward(x: Tensor, options: ForwardOptions = {}): RecurrentResult {
    const tokens = x.dtype === "int32";
    if (tokens ? x.rank !== 2 : x.rank !== 3 || x.shape[2] !== this.inputSize) {
      const layout = this.batchFirst ? "[batch, time" : "[time, batch";
      const expected = tokens ? `${layout}] int32 token ids` : `${layout}, ${this.inputSize}]`;
      throw new CellError(
        "SHAPE",
        `${this.cell.definition.name}: input must be ${expected}, got [${x.shape.join(", ")}]`,
      );
    }
    this.checkForward(x, options);
    let sequence = this.batchFirst ? contiguous(transpose(x, 0, 1)) : contiguous(x);
    const batch = sequence.shape[1] as number;
    let mask = options.mask ?? null;
    if (mask !== null && this.batchFirst) mask = contiguous(transpose(mask, 0, 1));
    if (options.lengths !== undefined) {
      mask = lengthsToMask(
        options.lengths,
        sequence.shape[0] as number,
        batch,
        this.dtypeOf(),
        this.cell.definition.name,
        options.enforceSorted === undefined ? {} : { enforceSorted: options.enforceSorted },
      );
    }
    const initial = options.state ?? this.initialState(batch);
    const finals: CellState[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outputs: Tensor[] = [];
      for (let direction = 0; direction < this.directions; direction++) {
        const index = layer * this.directions + direction;
        const start: CellState = {};
        for (const [name, value] of Object.entries(initial)) {
          const rest = value.shape.slice(1);
          start[name] = reshape(slice(value, [index], [index + 1]), rest);
        }
        const params = (this.layerParams[layer] as Record<string, Parameter>[])[
          direction
        ] as Record<string, Tensor>;
        const run = this.runOne(sequence, start, params, mask, direction === 1, options, layer);
        outputs.push(run.outputs);
        finals.push(run.state);
      }
      sequence = outputs.length === 1 ? (outputs[0] as Tensor) : concat(outputs, 2);
      if (layer < this.numLayers - 1 && this.dropout > 0 && this.training)
        sequence = this.drop(sequence);
    }
    const state: CellState = {};
    for (const name of Object.keys(finals[0] ?? {}))
      state[name] = stack(
        finals.map((f) => f[name] as Tensor),
        0,
      );
    const output = this.batchFirst ? contiguous(transpose(sequence, 0, 1)) : sequence;
    return { output, state };
  }

  /** Everything about the call that can be wrong, each with the shape it expected. */
  private checkForward(x: Tensor, options: ForwardOptions): void {
    const name = this.cell.definition.name;
    const dtype = this.dtypeOf();
    if (x.dtype === "int32") {
      const ids = x.data();
      const bad = ids.findIndex((id) => id < 0 || id >= this.inputSize);
      if (bad >= 0) {
        throw new CellError(
          "SHAPE",
          `${name}: token ids stand for one-hot rows of inputSize ${this.inputSize}, so they must be in [0, ${this.inputSize}); got ${ids[bad]} at flat index ${bad}`,
        );
      }
    } else if (x.dtype !== dtype) {
      throw new CellError(
        "SHAPE",
        `${name}: input must be ${dtype} like the parameters, got ${x.dtype}`,
      );
    }
    const [time, batch] = this.batchFirst
      ? [x.shape[1] as number, x.shape[0] as number]
      : [x.shape[0] as number, x.shape[1] as number];
    const mask = options.mask ?? null;
    if (mask !== null && options.lengths !== undefined) {
      throw new CellError(
        "CONFIG",
        `${name}: give either mask or lengths, not both (lengths become a mask)`,
      );
    }
    const maskShape = this.batchFirst ? [batch, time] : [time, batch];
    if (mask !== null && (mask.rank !== 2 || mask.shape.some((d, i) => d !== maskShape[i]))) {
      const layout = this.batchFirst ? "[batch, time]" : "[time, batch]";
      throw new CellError(
        "SHAPE",
        `${name}: mask must be ${layout} = [${maskShape.join(", ")}] for input [${x.shape.join(", ")}], got [${mask.shape.join(", ")}]`,
      );
    }
    if (mask !== null && mask.dtype !== dtype) {
      throw new CellError("SHAPE", `${name}: mask must be ${dtype} 1/0, got ${mask.dtype}`);
    }
    if (
      options.truncate !== undefined &&
      !(Number.isInteger(options.truncate) && options.truncate > 0)
    ) {
      throw new CellError(
        "CONFIG",
        `${name}: truncate must be a positive integer number of steps, got ${options.truncate}`,
      );
    }
    if (options.state !== undefined) {
      const expected = this.initialStateShapes(batch);
      const problems: string[] = [];
      for (const [part, shape] of Object.entries(expected)) {
        const got = options.state[part];
        if (got === undefined)
          problems.push(`"${part}" is missing (expected [${shape.join(", ")}])`);
        else if (got.rank !== shape.length || got.shape.some((d, i) => d !== shape[i]))
          problems.push(`"${part}" must be [${shape.join(", ")}], got [${got.shape.join(", ")}]`);
      }
      for (const part of Object.keys(options.state)) {
        if (!(part in expected)) problems.push(`"${part}" is not a part of this cell's state`);
      }
      if (problems.length > 0) {
        throw new CellError(
          "STATE",
          `${name}: bad initial state (parts are [layers · directions, batch, …]): ${problems.join("; ")}`,
        );
      }
    }
  }

  /** The shape of every state part for a batch, [layers · directions, batch, …]. */
  private initialStateShapes(batch: number): Record<string, number[]> {
    const context = { ...this.cell.config, input: this.inputSize, batch };
    const out: Record<string, number[]> = {};
    for (const [name, shape] of Object.entries(this.cell.definition.state(context)))
      out[name] = [this.numLayers * this.directions, ...(shape as number[])];
    return out;
  }

  private runOne(
    x: Tensor,
    state: CellState,
    params: Record<string, Tensor>,
    mask: Tensor | null,
    reverse: boolean,
    options: ForwardOptions,
    layer: number,
  ): { outputs: Tensor; state: CellState } {
    const definition = this.cell.definition;
    const stepOnly = options.onStep !== undefined || options.truncate !== undefined;
    // Token ids (layer 0 only) stand for one-hot rows: given as they are to a fused path that
    // takes them (a lookup instead of a product), made one-hot for everything else.
    const input = x.shape[2] ?? this.inputSize;
    const oneHotted = () => (x.dtype === "int32" ? oneHot(x, input, this.dtypeOf()) : x);
    if (this.fused === true && !stepOnly && definition.fused !== undefined) {
      const config = { ...this.cell.config, input } as Record<string, unknown> & CellContext;
      const xs = definition.tokenIds === true ? x : oneHotted();
      const result = definition.fused({ x: xs, state, params, config, mask, reverse });
      if (result !== null) return result;
    }
    if (this.fused !== false && !stepOnly) {
      const derived = runDerived({
        cell: this.cell,
        params,
        x,
        oneHot: oneHotted,
        input,
        state,
        mask,
        reverse,
      });
      if (derived !== null) return derived;
      if (this.fused === "derived") {
        const config = { ...this.cell.config, input } as Record<string, unknown> & CellContext;
        const status = planFor(definition, config);
        throw new CellError(
          "CONFIG",
          `${definition.name}: fused: "derived" was asked for, but the derived path cannot serve this cell: ${"reason" in status ? status.reason : "unknown"}`,
        );
      }
    }
    const onStep = options.onStep;
    return runSteps(this.cell, params, oneHotted(), state, {
      mask,
      reverse,
      ...(options.truncate === undefined ? {} : { truncate: options.truncate }),
      ...(onStep === undefined
        ? {}
        : { onStep: (t: number, s: CellState) => onStep(layer, reverse ? 1 : 0, t, s) }),
    });
  }

  protected override extraRepr(): string {
    const config = Object.entries(this.cell.config)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    const parts = [
      `${this.cell.definition.name}${config.length > 0 ? `(${config.join(", ")})` : ""}`,
      `inputSize=${this.inputSize}`,
      ...(this.numLayers > 1 ? [`numLayers=${this.numLayers}`] : []),
      ...(this.directions === 2 ? ["bidirectional"] : []),
      ...(this.dropout > 0 ? [`dropout=${this.dropout}`] : []),
      ...(this.batchFirst ? ["batchFirst"] : []),
    ];
    return parts.join(", ");
  }

  /** Inverted dropout: zero with probability p, scale the rest by 1/(1 − p). */
  private drop(x: Tensor): Tensor {
    const keepMask = this.dropoutRng.bernoulli(x.shape, 1 - this.dropout, x.dtype);
    return mul(x, mul(keepMask, 1 / (1 - this.dropout)));
  }

  private dtypeOf(): "float32" | "float64" {
    const first = this.parameters()[0];
    return first?.dtype === "float64" ? "float64" : "float32";
  }
}

function normalize(spec: ParamSpec | readonly number[]): ParamSpec {
  return Array.isArray(spec) ? { shape: spec as readonly number[] } : (spec as ParamSpec);
}
