/** Gradients of elementwise functions of one tensor, each a one-line derivative. */
import { cos, div, greater, mul, neg, sign, sin, square, sub, zerosLike } from "@recurrent/tensor";
import { input, type RuleGroup } from "./rule.js";

export const unaryRules: RuleGroup<
  | "Neg"
  | "Abs"
  | "Sign"
  | "Exp"
  | "Log"
  | "Sqrt"
  | "Rsqrt"
  | "Square"
  | "Reciprocal"
  | "Tanh"
  | "Sigmoid"
  | "Relu"
  | "Sin"
  | "Cos"
  | "Floor"
  | "Ceil"
  | "Round"
> = {
  // d(−x) = −dy
  Neg: (c) => [() => neg(c.dy)],
  // d|x| = dy · sign(x)
  Abs: (c) => [() => mul(c.dy, sign(input(c, 0)))],
  // sign, floor, ceil and round are flat almost everywhere: dx = 0
  Sign: (c) => [() => zerosLike(input(c, 0))],
  Floor: (c) => [() => zerosLike(input(c, 0))],
  Ceil: (c) => [() => zerosLike(input(c, 0))],
  Round: (c) => [() => zerosLike(input(c, 0))],
  // d eˣ = dy · y
  Exp: (c) => [() => mul(c.dy, c.output)],
  // d log x = dy / x
  Log: (c) => [() => div(c.dy, input(c, 0))],
  // d √x = dy / (2y)
  Sqrt: (c) => [() => div(mul(c.dy, 0.5), c.output)],
  // d x^(−1/2) = −½ · dy · y / x
  Rsqrt: (c) => [() => mul(mul(c.dy, -0.5), div(c.output, input(c, 0)))],
  // d x² = 2x · dy
  Square: (c) => [() => mul(c.dy, mul(input(c, 0), 2))],
  // d (1/x) = −dy · y²
  Reciprocal: (c) => [() => neg(mul(c.dy, square(c.output)))],
  // d tanh x = dy · (1 − y²)
  Tanh: (c) => [() => mul(c.dy, sub(1, square(c.output)))],
  // d σ(x) = dy · y · (1 − y)
  Sigmoid: (c) => [() => mul(c.dy, mul(c.output, sub(1, c.output)))],
  // d relu x = dy · [x > 0]
  Relu: (c) => [() => mul(c.dy, greater(input(c, 0), 0))],
  // d sin x = dy · cos x
  Sin: (c) => [() => mul(c.dy, cos(input(c, 0)))],
  // d cos x = −dy · sin x
  Cos: (c) => [() => neg(mul(c.dy, sin(input(c, 0))))],
};
