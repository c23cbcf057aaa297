/**
 * The sequence runner: unrolls any cell over [time, batch, features] with
 * its pure step — the readable path every cell has, and the reference the
 * fused paths are tested against. It handles the direction, variable-length
 * batches (a masked row keeps its state and outputs zeros, so padding never
 * counts) and truncated backpropagation (the state is detached every k
 * steps, so gradients reach back at most k steps).
 */
import { detach } from "@recurrent/autograd";
import { add, mul, reshape, slice, stack, sub, type Tensor } from "@recurrent/tensor";
import type { Cell, CellContext, CellState } from "./cell.js";

export interface RunOptions {
  /** [T, B] with 1 for real steps, 0 for padding (right-padded), or null. */
  readonly mask?: Tensor | null;
  /** Walk from the last step to the first. */
  readonly reverse?: boolean;
  /** Cut the gradient through the state every `truncate` steps (truncated BPTT). */
  readonly truncate?: number;
  /** Called with each step's new state (e.g. to hook ∂L/∂h_t). */
  readonly onStep?: (t: number, state: CellState) => void;
}

/**
 * Run `cell` step by step over x [T, B, input] from `state`; returns every
 * step's output [T, B, out] and the final state.
 */
export function runSteps(
  cell: Cell,
  params: Record<string, Tensor>,
  x: Tensor,
  state: CellState,
  options: RunOptions = {},
): { outputs: Tensor; state: CellState } {
  const [T, B, input] = x.shape as [number, number, number];
  const config = { ...cell.config, input } as Record<string, unknown> & CellContext;
  const outputs: Tensor[] = new Array(T);
  let current = state;
  for (let s = 0; s < T; s++) {
    const t = options.reverse ? T - 1 - s : s;
    if (options.truncate !== undefined && s > 0 && s % options.truncate === 0)
      current = detachState(current);
    const xt = reshape(slice(x, [t], [t + 1]), [B, input]);
    const { output, state: next } = cell.definition.step(xt, current, params, config);
    const m = options.mask ? reshape(slice(options.mask, [t], [t + 1]), [B, 1]) : null;
    current = m === null ? next : keepMasked(m, next, current);
    outputs[t] = m === null ? output : mul(output, m);
    options.onStep?.(t, current);
  }
  return { outputs: stack(outputs, 0), state: current };
}

/** Rows where m = 0 keep their previous state: m·next + (1 − m)·previous. */
function keepMasked(m: Tensor, next: CellState, previous: CellState): CellState {
  const out: CellState = {};
  for (const [name, value] of Object.entries(next)) {
    const old = previous[name] as Tensor;
    const mm = reshape(m, [m.shape[0] as number, ...new Array(value.rank - 1).fill(1)]);
    out[name] = add(mul(mm, value), mul(sub(1, mm), old));
  }
  return out;
}

/** The same state cut from the tape: what truncated BPTT carries across batches. */
export function detachState<TState extends CellState>(state: TState): TState {
  const out: CellState = {};
  for (const [name, value] of Object.entries(state)) out[name] = detach(value);
  return out as TState;
}
