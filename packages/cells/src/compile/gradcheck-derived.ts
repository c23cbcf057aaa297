/**
 * Finite-difference check of a cell's generated backward: the derived
 * sequence op over 4 steps of a batch of 2 (one row padded from step 2), in
 * float64, against central differences of the same op, for the input, the
 * initial state and every parameter. Exported so plugin packages can check
 * their own cells the same way.
 */
import { type GradcheckResult, gradcheck } from "@recurrent/autograd";
import { add, Generator, mul, type Shape, sum, type Tensor, tanh, tensor } from "@recurrent/tensor";
import type { Cell, CellContext, ParamSpec } from "../cell.js";
import { CellError } from "../errors.js";
import { runDerived } from "./derived.js";

/**
 * @example
 * gradcheckDerived(createCell(peepholeLstm, { hidden: 3 }), false);
 */
export function gradcheckDerived(cell: Cell, reverse: boolean, input = 3): GradcheckResult {
  const [T, B] = [4, 2];
  const config = { ...cell.config, input } as Record<string, unknown> & CellContext;
  const definition = cell.definition;
  const specs = definition.params(config);
  const names = Object.keys(specs);
  const shapeOf = (s: ParamSpec | Shape): Shape =>
    Array.isArray(s) ? (s as Shape) : (s as ParamSpec).shape;
  const g = new Generator(7);
  const params = names.map((n) =>
    g.normal(shapeOf(specs[n] as ParamSpec | Shape), 0, 0.5, "float64"),
  );
  const stateShapes = definition.state({ ...config, batch: B }) as Record<string, Shape>;
  const parts = Object.keys(stateShapes);
  const state = parts.map((p) => g.normal(stateShapes[p] as Shape, 0, 0.5, "float64"));
  const x = g.normal([T, B, input], 0, 1, "float64");
  const mask = tensor(
    [
      [1, 1],
      [1, 1],
      [1, 0],
      [1, 0],
    ],
    { dtype: "float64" },
  );
  const fn = (...leaves: Tensor[]) => {
    const [xs, ...rest] = leaves as [Tensor, ...Tensor[]];
    const s: Record<string, Tensor> = {};
    parts.forEach((p, i) => {
      s[p] = rest[i] as Tensor;
    });
    const p: Record<string, Tensor> = {};
    names.forEach((n, i) => {
      p[n] = rest[parts.length + i] as Tensor;
    });
    const result = runDerived({
      cell,
      params: p,
      x: xs,
      oneHot: () => xs,
      input,
      state: s,
      mask,
      reverse,
    });
    if (result === null)
      throw new CellError("CONFIG", `${definition.name}: the derived path declines this cell`);
    let loss = sum(tanh(result.outputs));
    for (const v of Object.values(result.state)) loss = add(loss, sum(mul(v, v)));
    return loss;
  };
  return gradcheck(fn, [x, ...state, ...params], { name: `${definition.name} derived` });
}
