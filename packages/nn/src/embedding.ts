/**
 * Embedding: a lookup table, weight [num, dim] as PyTorch's, so token ids
 * [...] become vectors [..., dim]. Initialised N(0, 1) as PyTorch does.
 *
 * With `paddingIdx`, that row starts at zero and never receives a gradient
 * (it may still hold non-zero values loaded from a state dict, which the
 * forward pass returns as they are, exactly as PyTorch). That takes a custom
 * op: the built-in gather rule would send the padding positions' gradient
 * into the padding row.
 *
 * Gradient: y = W[idx] gives ∂L/∂W = scatter-add of ∂L/∂y at idx (repeated
 * ids add up), with the padding row's entries set to zero.
 */
import { defineOp } from "@recurrent/autograd";
import {
  type FloatDType,
  type Generator,
  gather,
  keep,
  mul,
  scatterAdd,
  type Tensor,
  tensor,
} from "@recurrent/tensor";
import { check, fmt } from "./errors.js";
import { normal } from "./init/initializers.js";
import { type Layer, Module } from "./module.js";
import type { Parameter } from "./parameter.js";

export interface EmbeddingOptions {
  /** Where the first weights come from (N(0, 1), as PyTorch). */
  generator: Generator;
  /** A row that starts at zero and gets no gradient; negative counts from the end, as PyTorch. */
  paddingIdx?: number;
  /** float32 (default) or float64. */
  dtype?: FloatDType;
}

interface LookupAttrs {
  /** [num, 1]: 1 for every row but the padding row. */
  readonly rowMask: Tensor;
}

const lookupWithPadding = defineOp<LookupAttrs>({
  name: "EmbeddingLookup",
  forward: ([weight, ids]) => ({ outputs: [gather(weight as Tensor, ids as Tensor, 0)] }),
  // ∂L/∂W = scatterAdd(∂L/∂y, ids) with the padding row zeroed; ids get none.
  backward: ({ grads: [dy], inputs: [weight, ids], attrs }) => {
    if (dy === null || dy === undefined) return [null, null];
    const w = weight as Tensor;
    return [mul(scatterAdd(dy, ids as Tensor, 0, w.shape), attrs.rowMask), null];
  },
});

export class Embedding extends Module implements Layer {
  /** [num, dim] */
  readonly weight: Parameter;
  /** The padding row as a non-negative index, or undefined. */
  readonly paddingIdx: number | undefined;
  private readonly rowMask: Tensor | undefined;

  /**
   * @example
   * const embed = new Embedding(100, 16, { generator, paddingIdx: 0 });
   * embed.forward(tokens); // int32 [batch, time] → [batch, time, 16]
   */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions,
  ) {
    super();
    for (const [name, value] of [
      ["numEmbeddings", numEmbeddings],
      ["embeddingDim", embeddingDim],
    ] as const) {
      check(Number.isInteger(value) && value >= 0, "ARGUMENT", () => {
        return `Embedding: ${name} must be an integer >= 0, got ${value}`;
      });
    }
    const pad = options.paddingIdx;
    if (pad !== undefined) {
      check(
        Number.isInteger(pad) && pad >= -numEmbeddings && pad < numEmbeddings,
        "ARGUMENT",
        () => {
          return `Embedding: paddingIdx must be an integer in ${-numEmbeddings}..${numEmbeddings - 1}, got ${pad}`;
        },
      );
    }
    this.paddingIdx = pad === undefined ? undefined : pad < 0 ? pad + numEmbeddings : pad;
    const dtype = options.dtype ?? "float32";
    const w = normal()([numEmbeddings, embeddingDim], options.generator, dtype);
    if (this.paddingIdx !== undefined) {
      const start = w.offset + this.paddingIdx * embeddingDim;
      w.storage.array.fill(0, start, start + embeddingDim);
      const mask = new Float64Array(numEmbeddings).fill(1);
      mask[this.paddingIdx] = 0;
      // Kept: the mask outlives any tidy() the first forward pass runs in.
      this.rowMask = keep(tensor(mask, { shape: [numEmbeddings, 1], dtype }));
    }
    this.weight = this.registerParameter("weight", w);
  }

  /** int32 ids [...] → [..., dim] */
  forward(ids: Tensor): Tensor {
    return lookup("Embedding", ids, this.weight, this.rowMask);
  }

  protected override extraRepr(): string {
    const pad = this.paddingIdx === undefined ? "" : `, paddingIdx=${this.paddingIdx}`;
    return `${this.numEmbeddings}, ${this.embeddingDim}${pad}`;
  }
}

/**
 * The functional form (PyTorch's `F.embedding`): rows of `weight` [num, dim]
 * at int32 `ids` [...] → [..., dim]; the `paddingIdx` row gets no gradient.
 *
 * @example
 * const vectors = embedding(tokens, table, { paddingIdx: 0 });
 */
export function embedding(
  ids: Tensor,
  weight: Tensor,
  options: { paddingIdx?: number } = {},
): Tensor {
  check(weight.rank === 2, "SHAPE", () => {
    return `embedding: weight must be [num, dim], got ${fmt(weight.shape)}`;
  });
  const num = weight.shape[0] as number;
  const pad = options.paddingIdx;
  if (pad === undefined) return lookup("embedding", ids, weight, undefined);
  check(Number.isInteger(pad) && pad >= -num && pad < num, "ARGUMENT", () => {
    return `embedding: paddingIdx must be an integer in ${-num}..${num - 1}, got ${pad}`;
  });
  const mask = new Float64Array(num).fill(1);
  mask[pad < 0 ? pad + num : pad] = 0;
  return lookup("embedding", ids, weight, tensor(mask, { shape: [num, 1], dtype: weight.dtype }));
}

function lookup(where: string, ids: Tensor, weight: Tensor, rowMask: Tensor | undefined): Tensor {
  check(ids.dtype === "int32", "DTYPE", () => {
    return `${where}: ids must be int32, got ${ids.dtype} ${fmt(ids.shape)}`;
  });
  if (rowMask === undefined) return gather(weight, ids, 0);
  const [out] = lookupWithPadding([weight, ids], { rowMask });
  return out as Tensor;
}
