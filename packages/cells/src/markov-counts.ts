/**
 * The first-order Markov model fitted exactly, by counting: for tokens, the
 * maximum-likelihood p(x_{t+1} = j | x_t = i) is the share of i's successors
 * that are j. Additive (Laplace) smoothing adds α to every count so unseen
 * transitions keep some probability. A gradient-trained `markov` cell
 * converges to the same table, which is how its training is checked.
 */
import type { Linear } from "@recurrent/nn";
import { type Tensor, tensor } from "@recurrent/tensor";
import { CellError } from "./errors.js";
import type { Recurrent } from "./recurrent.js";

export interface CountTransitionsOptions {
  /** α added to every count (default 1, Laplace); 0 is the plain maximum-likelihood estimate. */
  readonly smoothing?: number;
  /** For a [time, batch] tensor of sequences: [time, batch] 1/0, transitions into or out of a 0 are skipped. */
  readonly mask?: Tensor | null;
  readonly dtype?: "float32" | "float64";
}

export interface TransitionTable {
  /** [vocab, vocab]: counts[i, j] = how often j followed i. */
  readonly counts: Tensor;
  /** [vocab, vocab]: log p(next = j | current = i), rows summing to 1 in probability. */
  readonly logProbs: Tensor;
}

/**
 * Count the transitions i → j in token sequences and turn them into a table
 * of log-probabilities with additive smoothing:
 * p(j | i) = (count(i→j) + α) / (Σ_k count(i→k) + α·vocab).
 * A row never seen with α = 0 is uniform.
 *
 * @example
 * const { logProbs } = countTransitions([[0, 1, 1, 2, 0]], 3, { smoothing: 0 });
 * // logProbs[1] = log [0, 0.5, 0.5]
 */
export function countTransitions(
  sequences: Tensor | readonly ArrayLike<number>[],
  vocab: number,
  options: CountTransitionsOptions = {},
): TransitionTable {
  const where = "countTransitions";
  const alpha = options.smoothing ?? 1;
  if (!Number.isInteger(vocab) || vocab <= 0) {
    throw new CellError("CONFIG", `${where}: vocab must be a positive integer, got ${vocab}`);
  }
  if (!(alpha >= 0)) {
    throw new CellError("CONFIG", `${where}: smoothing must be >= 0, got ${alpha}`);
  }
  const counts = new Float64Array(vocab * vocab);
  const add = (from: number, to: number) => {
    for (const id of [from, to]) {
      if (!Number.isInteger(id) || id < 0 || id >= vocab) {
        throw new CellError("CONFIG", `${where}: token ids must be in 0..${vocab - 1}, got ${id}`);
      }
    }
    counts[from * vocab + to] = (counts[from * vocab + to] as number) + 1;
  };
  for (const [sequence, keep] of columns(where, sequences, options.mask ?? null)) {
    for (let t = 1; t < sequence.length; t++) {
      if (keep === null || (keep[t - 1] === 1 && keep[t] === 1)) {
        add(sequence[t - 1] as number, sequence[t] as number);
      }
    }
  }
  const logProbs = new Float64Array(vocab * vocab);
  for (let i = 0; i < vocab; i++) {
    let total = 0;
    for (let j = 0; j < vocab; j++) total += counts[i * vocab + j] as number;
    const denominator = total + alpha * vocab;
    for (let j = 0; j < vocab; j++) {
      logProbs[i * vocab + j] =
        denominator === 0
          ? -Math.log(vocab)
          : Math.log(((counts[i * vocab + j] as number) + alpha) / denominator);
    }
  }
  const dtype = options.dtype ?? "float32";
  return {
    counts: tensor(counts, { shape: [vocab, vocab], dtype }),
    logProbs: tensor(logProbs, { shape: [vocab, vocab], dtype }),
  };
}

/** Each sequence as a plain array, with its mask column when given. */
function columns(
  where: string,
  sequences: Tensor | readonly ArrayLike<number>[],
  mask: Tensor | null,
): [number[], number[] | null][] {
  if (!("shape" in sequences && "storage" in sequences)) {
    return (sequences as readonly ArrayLike<number>[]).map((s) => [Array.from(s), null]);
  }
  const t = sequences as Tensor;
  if (t.dtype !== "int32" || (t.rank !== 1 && t.rank !== 2)) {
    throw new CellError(
      "SHAPE",
      `${where}: sequences must be int32 [time] or [time, batch], got ${t.dtype} [${t.shape.join(", ")}]`,
    );
  }
  const [time, batch] = [t.shape[0] as number, t.rank === 2 ? (t.shape[1] as number) : 1];
  if (mask !== null && (mask.size !== time * batch || mask.shape[0] !== time)) {
    throw new CellError(
      "SHAPE",
      `${where}: mask must be [${t.shape.join(", ")}] like the sequences, got [${mask.shape.join(", ")}]`,
    );
  }
  const ids = t.data();
  const m = mask?.data() ?? null;
  const out: [number[], number[] | null][] = [];
  for (let b = 0; b < batch; b++) {
    const column: number[] = [];
    const keep: number[] = [];
    for (let s = 0; s < time; s++) {
      column.push(ids[s * batch + b] as number);
      keep.push(m === null ? 1 : (m[s * batch + b] as number) > 0 ? 1 : 0);
    }
    out.push([column, m === null ? null : keep]);
  }
  return out;
}

/**
 * Make a `markov` model compute a counted table exactly: the cell's weight
 * becomes the table (its output for one-hot x_t = i is row i of
 * `logProbs`, the logits of p(x_{t+1} | x_t = i)), its bias zero, and a
 * head, if there is one, the identity. Writes the parameters in place.
 *
 * @example
 * const { logProbs } = countTransitions(tokens, vocab);
 * loadMarkovTable(model, logProbs); // model: a SequenceModel with a markov cell, or { recurrent, head }
 */
export function loadMarkovTable(
  model: { readonly recurrent: Recurrent; readonly head?: Linear | null },
  logProbs: Tensor,
): void {
  const where = "loadMarkovTable";
  const { recurrent, head } = model;
  if (recurrent.cell.definition.name !== "markov") {
    throw new CellError(
      "CONFIG",
      `${where}: expected a markov cell, got "${recurrent.cell.definition.name}"`,
    );
  }
  if (recurrent.numLayers !== 1 || recurrent.directions !== 1) {
    throw new CellError(
      "CONFIG",
      `${where}: expected one layer in one direction, got ${recurrent.numLayers} layers, ${recurrent.directions} directions`,
    );
  }
  const vocab = recurrent.inputSize;
  if (logProbs.rank !== 2 || logProbs.shape[0] !== vocab || logProbs.shape[1] !== vocab) {
    throw new CellError(
      "SHAPE",
      `${where}: logProbs must be [${vocab}, ${vocab}] for a markov cell over ${vocab} tokens, got [${logProbs.shape.join(", ")}]`,
    );
  }
  if (recurrent.outputSize !== vocab) {
    throw new CellError(
      "CONFIG",
      `${where}: the markov cell must output ${vocab} logits (leave its hidden unset), got ${recurrent.outputSize}`,
    );
  }
  if (head != null && (head.inFeatures !== vocab || head.outFeatures !== vocab)) {
    throw new CellError(
      "CONFIG",
      `${where}: the head must be Linear(${vocab}, ${vocab}) to pass the table through, got Linear(${head.inFeatures}, ${head.outFeatures})`,
    );
  }
  const table = logProbs.data();
  // weight[j, i] = log p(j | i): W · onehot(i) is row i of the table.
  const transposed = new Float64Array(vocab * vocab);
  for (let i = 0; i < vocab; i++)
    for (let j = 0; j < vocab; j++) transposed[j * vocab + i] = table[i * vocab + j] as number;
  const identity = new Float64Array(vocab * vocab);
  for (let i = 0; i < vocab; i++) identity[i * vocab + i] = 1;
  const zeros = new Float64Array(vocab);
  const dtype = recurrent.parameters()[0]?.dtype === "float64" ? "float64" : "float32";
  recurrent.loadStateDict({
    weight_l0: tensor(transposed, { shape: [vocab, vocab], dtype }),
    bias_l0: tensor(zeros, { shape: [vocab], dtype }),
  });
  if (head != null) {
    head.loadStateDict({
      weight: tensor(identity, { shape: [vocab, vocab], dtype }),
      ...(head.bias === null ? {} : { bias: tensor(zeros, { shape: [vocab], dtype }) }),
    });
  }
}
