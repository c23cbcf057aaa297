/** Gradients of gather, scatter-add, one-hot and concat. Index inputs get none. */
import { gather, scatterAdd, split } from "@recurrent/tensor";
import { input, type RuleGroup } from "./rule.js";

export const indexingRules: RuleGroup<"Gather" | "ScatterAdd" | "OneHot" | "Concat"> = {
  // y = x.take(idx): dx = scatter-add of dy at idx (repeated rows add up)
  Gather: (c) => [() => scatterAdd(c.dy, input(c, 1), c.attrs.axis, input(c, 0).shape), null],
  // y = scatterAdd(u, idx): du = dy.take(idx)
  ScatterAdd: (c) => [() => gather(c.dy, input(c, 1), c.attrs.axis), null],
  OneHot: () => [null],
  // y = concat(xs): dxᵢ = the i-th piece of dy
  Concat: (c) => {
    const sizes = c.inputs.map((t) => t.shape[c.attrs.axis] as number);
    let pieces: ReturnType<typeof split> | undefined;
    return c.inputs.map((_, i) => () => {
      pieces ??= split(c.dy, sizes, c.attrs.axis);
      return pieces[i] as ReturnType<typeof split>[number];
    });
  },
};
