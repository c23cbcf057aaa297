/**
 * Gradient flow: how large ‖∂L/∂h_t‖ is at every time step, layer and
 * direction, measured from one backward pass. This is the note's argument
 * made visible: unrolled in time an RNN is a deep network, the gradient
 * reaching step t is a product of T − t Jacobians, and it shrinks (tanh,
 * small W_hh), grows (relu, large W_hh) or is carried (the LSTM's cell).
 *
 * It works through autograd's hooks: `Recurrent.forward`'s `onStep` hands
 * over each step's new state, a hook is registered on it, and the backward
 * pass calls the hook with the whole ∂L/∂h_t (every path summed). `onStep`
 * forces the step-by-step path, so the fused kernels are not involved.
 */
import { backward, registerHook } from "@recurrent/autograd";
import type { Tensor } from "@recurrent/tensor";
import type { CellState } from "./cell.js";
import { CellError } from "./errors.js";
import type { ForwardOptions } from "./recurrent.js";

/** One measurement: the Frobenius norm of ∂L/∂(state part) at step t, over the whole [batch, …] tensor. */
export interface GradientFlowPoint {
  readonly layer: number;
  /** 0 forward in time, 1 the reverse direction of a bidirectional layer. */
  readonly direction: number;
  /** The time index (0 is the first step of the input, in either direction). */
  readonly t: number;
  readonly norm: number;
}

export interface GradientFlowRecorderOptions {
  /** The state part to watch: "h" by default when the cell has one, else its first part ("c" for the LSTM's cell). */
  readonly part?: string;
}

/**
 * Collects ‖∂L/∂h_t‖ during your own backward pass. Pass `recorder.onStep`
 * to `forward`, run `backward`, read `points()`, then `dispose()`.
 *
 * @example
 * const recorder = new GradientFlowRecorder();
 * const { output } = model.forward(x, { onStep: recorder.onStep });
 * backward(loss(output));
 * recorder.points(); // [{ layer: 0, direction: 0, t: 0, norm: 3.1e-7 }, …]
 * recorder.dispose();
 */
export class GradientFlowRecorder {
  /** The state part watched; known after the first step. */
  part: string | undefined;
  private readonly entries = new Map<string, { point: GradientFlowPoint; norm: number }>();
  private readonly removers: (() => void)[] = [];

  constructor(options: GradientFlowRecorderOptions = {}) {
    this.part = options.part;
  }

  /** The `onStep` option of `Recurrent.forward` (and `SequenceModel.forward`). */
  readonly onStep = (layer: number, direction: number, t: number, state: CellState): void => {
    const part = this.choosePart(state);
    const value = state[part] as Tensor;
    const key = `${layer}/${direction}/${t}`;
    const entry = { point: { layer, direction, t, norm: 0 }, norm: 0 };
    this.entries.set(key, entry);
    if (!value.requiresGrad) return; // nothing upstream needs a gradient: it stays 0
    this.removers.push(
      registerHook(value, (grad) => {
        entry.norm = frobenius(grad);
        return undefined;
      }),
    );
  };

  /**
   * Every step seen, ordered by layer, direction and t. A step the gradient
   * never reached (after the loss, or cut off by truncation) has norm 0.
   */
  points(): GradientFlowPoint[] {
    return [...this.entries.values()]
      .map(({ point, norm }) => ({ ...point, norm }))
      .sort((a, b) => a.layer - b.layer || a.direction - b.direction || a.t - b.t);
  }

  /** Remove the hooks (they would otherwise fire again in a later backward pass). */
  dispose(): void {
    for (const remove of this.removers.splice(0)) remove();
  }

  private choosePart(state: CellState): string {
    const parts = Object.keys(state);
    if (this.part === undefined) this.part = "h" in state ? "h" : (parts[0] as string);
    if (!(this.part in state)) {
      throw new CellError(
        "CONFIG",
        `gradientFlow: the cell's state has no part "${this.part}"; its parts are ${parts.map((p) => `"${p}"`).join(", ")}`,
      );
    }
    return this.part;
  }
}

export interface GradientFlowOptions extends Omit<ForwardOptions, "onStep"> {
  /** The state part to watch ("h" by default when the cell has one). */
  readonly part?: string;
}

export interface GradientFlowReport {
  /** The loss of this pass. */
  readonly loss: number;
  /** The state part measured. */
  readonly part: string;
  /** ‖∂L/∂state_t‖ for every layer, direction and step: plain data, ready to plot. */
  readonly points: GradientFlowPoint[];
}

/** Anything whose forward takes Recurrent's options: `Recurrent`, `SequenceModel`. */
export interface StepObservable<TResult> {
  forward(x: Tensor, options: ForwardOptions): TResult;
}

/**
 * Run `model` on `x`, take `loss(result)`, run one backward pass and return
 * ‖∂L/∂h_t‖ for every step, layer and direction. The backward pass is a real
 * one: parameter gradients accumulate in `.grad` as usual, so a trainer may
 * call this in place of its own forward and backward on the steps it wants
 * to watch.
 *
 * @example
 * const report = gradientFlow(model, x, ({ output }) => sum(mul(lastStep(output), probe)));
 * normsOverTime(report.points); // [‖∂L/∂h_0‖, …, ‖∂L/∂h_{T−1}‖] for layer 0, direction 0
 */
export function gradientFlow<TResult>(
  model: StepObservable<TResult>,
  x: Tensor,
  loss: (result: TResult) => Tensor,
  options: GradientFlowOptions = {},
): GradientFlowReport {
  const { part, ...forwardOptions } = options;
  const recorder = new GradientFlowRecorder(part === undefined ? {} : { part });
  try {
    const value = loss(model.forward(x, { ...forwardOptions, onStep: recorder.onStep }));
    backward(value);
    return { loss: value.item(), part: recorder.part ?? "h", points: recorder.points() };
  } finally {
    recorder.dispose();
  }
}

/** One curve of a report: the norms of `layer`/`direction` ordered by t, for a plot or a check. */
export function normsOverTime(
  points: readonly GradientFlowPoint[],
  layer = 0,
  direction = 0,
): number[] {
  return points
    .filter((p) => p.layer === layer && p.direction === direction)
    .sort((a, b) => a.t - b.t)
    .map((p) => p.norm);
}

function frobenius(t: Tensor): number {
  let s = 0;
  for (const v of t.data()) s += v * v;
  return Math.sqrt(s);
}
