/**
 * Gradients of reductions: the output gradient is broadcast back over the
 * reduced axes (for max/min, only to the elements that attained it).
 */
import { div, equal, expand, mul, reshape, type Shape, sum, type Tensor } from "@recurrent/tensor";
import { input, type RuleGroup } from "./rule.js";

/** dy reshaped so the reduced axes are size 1 again, ready to broadcast against x. */
function keepDims(dy: Tensor, xShape: Shape, axes: readonly number[]): Tensor {
  return reshape(
    dy,
    xShape.map((d, i) => (axes.includes(i) ? 1 : d)),
  );
}

export const reduceRules: RuleGroup<"Sum" | "Prod" | "Max" | "Min" | "ArgMax" | "ArgMin"> = {
  // y = Σ x: dx = dy broadcast over the summed axes
  Sum: (c) => {
    const x = input(c, 0);
    return [() => expand(keepDims(c.dy, x.shape, c.attrs.axes), x.shape)];
  },
  // y = Π x: dx = dy · y / x (x must be non-zero)
  Prod: (c) => {
    const x = input(c, 0);
    const y = keepDims(c.output, x.shape, c.attrs.axes);
    return [() => mul(keepDims(c.dy, x.shape, c.attrs.axes), div(y, x))];
  },
  // y = max x: dx = dy at the maxima, shared evenly among ties (as PyTorch's amax)
  Max: (c) => [() => extremum(c.dy, input(c, 0), c.output, c.attrs.axes)],
  Min: (c) => [() => extremum(c.dy, input(c, 0), c.output, c.attrs.axes)],
  ArgMax: () => [null],
  ArgMin: () => [null],
};

function extremum(dy: Tensor, x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const hit = equal(x, keepDims(y, x.shape, axes));
  const ties = sum(hit, axes, { keepDims: true });
  return mul(keepDims(dy, x.shape, axes), div(hit, ties));
}
