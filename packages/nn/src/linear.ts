/**
 * Linear: y = x·Wᵀ + b, with W stored [out, in] as PyTorch stores it, so a
 * PyTorch `nn.Linear` state dict (`weight`, `bias`) loads unchanged. The
 * product reads W transposed in place (`matMul(..., { transposeB: true })`),
 * never copying it.
 *
 * Gradients (from the MatMul and Add rules): with G = ∂L/∂y flattened to
 * [N, out] and X to [N, in], ∂L/∂W = Gᵀ·X, ∂L/∂b = Σ_rows G, ∂L/∂x = G·W.
 */
import {
  add,
  type FloatDType,
  type Generator,
  matMul,
  reshape,
  type Tensor,
} from "@recurrent/tensor";
import { check, fmt } from "./errors.js";
import { kaimingUniform, uniform } from "./init/initializers.js";
import { type Layer, Module } from "./module.js";
import type { Parameter } from "./parameter.js";

export interface LinearOptions {
  /** Where the first weights come from (PyTorch's default init: U(±1/√in) for W and b). */
  generator: Generator;
  /** Add a learned bias (default true). */
  bias?: boolean;
  /** float32 (default) or float64. */
  dtype?: FloatDType;
}

export class Linear extends Module implements Layer {
  /** [out, in] */
  readonly weight: Parameter;
  /** [out], or null without bias */
  readonly bias: Parameter | null;

  /**
   * @example
   * const layer = new Linear(4, 3, { generator: new Generator(0) });
   * layer.forward(x); // [batch, 4] → [batch, 3]
   */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions,
  ) {
    super();
    for (const [name, value] of [
      ["inFeatures", inFeatures],
      ["outFeatures", outFeatures],
    ] as const) {
      check(Number.isInteger(value) && value >= 0, "ARGUMENT", () => {
        return `Linear: ${name} must be an integer >= 0, got ${value}`;
      });
    }
    const dtype = options.dtype ?? "float32";
    // PyTorch: kaiming_uniform_(W, a=√5), i.e. U(±1/√in); bias U(±1/√in).
    const w = kaimingUniform({ a: Math.sqrt(5) });
    this.weight = this.registerParameter(
      "weight",
      inFeatures === 0
        ? uniform({ low: 0, high: 0 })([outFeatures, inFeatures], options.generator, dtype)
        : w([outFeatures, inFeatures], options.generator, dtype),
    );
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias =
      options.bias === false
        ? null
        : this.registerParameter(
            "bias",
            uniform({ low: -bound, high: bound })([outFeatures], options.generator, dtype),
          );
  }

  /** x [..., in] → [..., out] */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias ?? undefined);
  }

  protected override extraRepr(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/**
 * The functional form (PyTorch's `F.linear`): x [..., in], weight [out, in],
 * bias [out] → x·Wᵀ + b [..., out].
 *
 * @example
 * const gates = linear(x, weightIh, biasIh); // an RNN cell's input projection
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  check(weight.rank === 2, "SHAPE", () => {
    return `linear: weight must be [out, in], got ${fmt(weight.shape)}`;
  });
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  check(x.rank >= 1 && x.shape[x.rank - 1] === inFeatures, "SHAPE", () => {
    return `linear: input must be [..., ${inFeatures}] for weight ${fmt(weight.shape)}, got ${fmt(x.shape)}`;
  });
  check(x.dtype === weight.dtype, "DTYPE", () => {
    return `linear: input must be ${weight.dtype} like the weight, got ${x.dtype}`;
  });
  if (bias !== undefined) {
    check(bias.rank === 1 && bias.shape[0] === outFeatures, "SHAPE", () => {
      return `linear: bias must be [${outFeatures}] for weight ${fmt(weight.shape)}, got ${fmt(bias.shape)}`;
    });
  }
  const lead = x.shape.slice(0, -1);
  const flat = x.rank === 2 ? x : reshape(x, [lead.reduce((a, b) => a * b, 1), inFeatures]);
  let y = matMul(flat, weight, { transposeB: true });
  if (bias !== undefined) y = add(y, bias);
  return x.rank === 2 ? y : reshape(y, [...lead, outFeatures]);
}
