/**
 * The shape of a gradient rule. A rule receives the gradient of the op's
 * output (`dy`), its inputs, its output and its attributes, and returns one
 * thunk per input: called only when that input needs a gradient, null when
 * the input is not differentiable (indices, conditions).
 */
import {
  type OpAttrs,
  type OpName,
  reshape,
  type Shape,
  sum,
  type Tensor,
} from "@recurrent/tensor";

export interface RuleContext<K extends OpName> {
  readonly dy: Tensor;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: OpAttrs[K];
}

export type Thunk = (() => Tensor) | null;
export type Rule<K extends OpName> = (ctx: RuleContext<K>) => readonly Thunk[];
export type RuleGroup<N extends OpName> = { readonly [K in N]: Rule<K> };

/** The i-th input; rules index inputs by position. */
export function input(ctx: { inputs: readonly Tensor[] }, i: number): Tensor {
  return ctx.inputs[i] as Tensor;
}

/**
 * Undo broadcasting: sum `g` over the axes that broadcasting added or
 * stretched, so it has `shape` again.
 */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return g;
  return reshape(sum(g, axes), shape);
}
