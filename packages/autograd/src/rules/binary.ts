/**
 * Gradients of broadcasting binary ops, where and clip. Every gradient is
 * summed back to its input's shape (`unbroadcast`). Comparisons have none.
 */
import {
  add,
  div,
  equal,
  greaterEqual,
  lessEqual,
  log,
  mul,
  neg,
  pow,
  sub,
  type Tensor,
  where,
} from "@recurrent/tensor";
import { input, type RuleGroup, unbroadcast } from "./rule.js";

const none = () => [null, null] as const;

export const binaryRules: RuleGroup<
  | "Add"
  | "Sub"
  | "Mul"
  | "Div"
  | "Pow"
  | "Maximum"
  | "Minimum"
  | "Equal"
  | "NotEqual"
  | "Less"
  | "LessEqual"
  | "Greater"
  | "GreaterEqual"
  | "Where"
  | "Clip"
> = {
  // d(a + b) = (dy, dy)
  Add: (c) => [
    () => unbroadcast(c.dy, input(c, 0).shape),
    () => unbroadcast(c.dy, input(c, 1).shape),
  ],
  // d(a − b) = (dy, −dy)
  Sub: (c) => [
    () => unbroadcast(c.dy, input(c, 0).shape),
    () => unbroadcast(neg(c.dy), input(c, 1).shape),
  ],
  // d(a · b) = (dy · b, dy · a)
  Mul: (c) => [
    () => unbroadcast(mul(c.dy, input(c, 1)), input(c, 0).shape),
    () => unbroadcast(mul(c.dy, input(c, 0)), input(c, 1).shape),
  ],
  // d(a / b) = (dy / b, −dy · y / b)
  Div: (c) => [
    () => unbroadcast(div(c.dy, input(c, 1)), input(c, 0).shape),
    () => unbroadcast(neg(div(mul(c.dy, c.output), input(c, 1))), input(c, 1).shape),
  ],
  // d aᵇ = (dy · b · aᵇ⁻¹, dy · y · log a), the latter 0 where a = 0 and b ≥ 0 (as PyTorch)
  Pow: (c) => {
    const [a, b] = [input(c, 0), input(c, 1)];
    return [
      () => unbroadcast(mul(c.dy, mul(b, pow(a, sub(b, 1)))), a.shape),
      () => {
        const g = mul(mul(c.dy, c.output), log(a));
        const flat = mul(equal(a, 0), greaterEqual(b, 0));
        return unbroadcast(where(flat, 0, g), b.shape);
      },
    ];
  },
  // d max(a, b): dy goes to the larger input; ties split it in half (as PyTorch)
  Maximum: (c) => extremumRule(c.dy, input(c, 0), input(c, 1), c.output),
  Minimum: (c) => extremumRule(c.dy, input(c, 0), input(c, 1), c.output),
  Equal: none,
  NotEqual: none,
  Less: none,
  LessEqual: none,
  Greater: none,
  GreaterEqual: none,
  // y = cond ? a : b: da = dy where cond, db = dy elsewhere; no gradient for cond
  Where: (c) => {
    const [condition, a, b] = [input(c, 0), input(c, 1), input(c, 2)];
    return [
      null,
      () => unbroadcast(where(condition, c.dy, 0), a.shape),
      () => unbroadcast(where(condition, 0, c.dy), b.shape),
    ];
  },
  // d clip(x) = dy where min ≤ x ≤ max, else 0
  Clip: (c) => {
    const x = input(c, 0);
    return [() => mul(c.dy, mul(greaterEqual(x, c.attrs.min), lessEqual(x, c.attrs.max)))];
  },
};

function extremumRule(dy: Tensor, a: Tensor, b: Tensor, y: Tensor) {
  // weight of a: 1 where a is the result and b is not, ½ on ties, else 0
  const aWins = equal(a, y);
  const bWins = equal(b, y);
  const share = (mine: Tensor, other: Tensor) => div(mine, add(mine, other));
  return [
    () => unbroadcast(mul(dy, share(aWins, bWins)), a.shape),
    () => unbroadcast(mul(dy, share(bWins, aWins)), b.shape),
  ] as const;
}
