/**
 * Dropout (Srivastava et al. 2014), inverted as in PyTorch: in training each
 * element is zeroed with probability p and the survivors are scaled by
 * 1/(1−p), so the expected value is unchanged and evaluation needs no
 * rescaling; in evaluation mode it is the identity. The mask comes from an
 * explicit Generator, so a seed fixes it.
 *
 * Gradient: y = x·m with m ∈ {0, 1/(1−p)} fixed, so ∂L/∂x = ∂L/∂y · m.
 */
import { type Generator, mul, type Tensor } from "@recurrent/tensor";
import { check, fmt } from "./errors.js";
import { type Layer, Module } from "./module.js";

function checkP(where: string, p: number): void {
  check(typeof p === "number" && p >= 0 && p <= 1, "ARGUMENT", () => {
    return `${where}: p must be in [0, 1], got ${p}`;
  });
}

/**
 * Functional dropout: zero each element with probability `p` (drawn from
 * `generator`) and scale the rest by 1/(1−p); the identity when not
 * `training` or p = 0; all zeros when p = 1.
 *
 * @example
 * const h2 = dropout(h, 0.2, generator); // between recurrent layers
 */
export function dropout(x: Tensor, p: number, generator: Generator, training = true): Tensor {
  checkP("dropout", p);
  if (!training || p === 0) return x;
  check(x.dtype !== "int32", "DTYPE", () => {
    return `dropout: expected a float tensor, got ${x.dtype} ${fmt(x.shape)}`;
  });
  if (p === 1) return mul(x, 0);
  const mask = generator.bernoulli(x.shape, 1 - p, x.dtype);
  const m = mask.storage.array;
  const scale = 1 / (1 - p);
  for (let i = mask.offset; i < mask.offset + mask.size; i++) m[i] = (m[i] as number) * scale;
  return mul(x, mask);
}

export interface DropoutOptions {
  /** Where the masks come from. */
  generator: Generator;
}

export class Dropout extends Module implements Layer {
  readonly generator: Generator;

  /**
   * @example
   * const drop = new Dropout(0.5, { generator: new Generator(1) });
   * drop.forward(x); // training: masked and scaled; after drop.eval(): x
   */
  constructor(
    readonly p: number,
    options: DropoutOptions,
  ) {
    super();
    checkP("Dropout", p);
    this.generator = options.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.generator, this.training);
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
