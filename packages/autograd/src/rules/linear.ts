/**
 * The matrix-product gradient for every transpose combination, read in
 * place (no transposed copies), then summed over broadcast batch axes.
 *
 * With C = op(A)·op(B):  dop(A) = dC·op(B)ᵀ  and  dop(B) = op(A)ᵀ·dC,
 * and when A is stored transposed, dA = (dop(A))ᵀ = op(B)·dCᵀ.
 */
import { matMul } from "@recurrent/tensor";
import { input, type RuleGroup, unbroadcast } from "./rule.js";

export const linearRules: RuleGroup<"MatMul"> = {
  MatMul: (c) => {
    const [a, b] = [input(c, 0), input(c, 1)];
    const { transposeA: ta, transposeB: tb } = c.attrs;
    return [
      () =>
        unbroadcast(
          ta
            ? matMul(b, c.dy, { transposeA: tb, transposeB: true }) // dA = op(B)·dCᵀ
            : matMul(c.dy, b, { transposeB: !tb }), // dA = dC·op(B)ᵀ
          a.shape,
        ),
      () =>
        unbroadcast(
          tb
            ? matMul(c.dy, a, { transposeA: true, transposeB: ta }) // dB = dCᵀ·op(A)
            : matMul(a, c.dy, { transposeA: !ta }), // dB = op(A)ᵀ·dC
          b.shape,
        ),
    ];
  },
};
