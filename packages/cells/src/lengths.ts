/**
 * Sequence lengths as an alternative to a float mask, the way PyTorch takes
 * them (`pack_padded_sequence(x, lengths, enforce_sorted=…)`): row b is real
 * for its first lengths[b] steps and padding after. `Recurrent` turns them
 * into its [time, batch] 1/0 mask here, so the rest of the runner (and every
 * fused path) sees only masks. The semantics are PyTorch's packed ones:
 * padded steps output zeros, the final state of a row is the state at its
 * last real step, and a reverse direction starts at that step.
 *
 * `enforceSorted` (default true, as in PyTorch) requires decreasing lengths
 * and says so otherwise; with false any order is taken, and, as PyTorch's
 * sort-and-unsort gives, outputs and states stay in the caller's row order.
 * One difference: PyTorch's padded output is max(lengths) steps long, ours
 * keeps the input's time length (the extra steps are zeros).
 */
import { type Tensor, tensor } from "@recurrent/tensor";
import { CellError } from "./errors.js";

export interface LengthsOptions {
  /** Require lengths in decreasing order, as pack_padded_sequence's enforce_sorted. */
  readonly enforceSorted?: boolean;
}

/**
 * The [time, batch] mask of `lengths` (Int32Array or an int32 tensor [batch]),
 * each in 1..time, checked with `where` naming the caller.
 *
 * @example
 * lengthsToMask(Int32Array.of(3, 1), 3, 2, "float32", "lstm").toArray(); // [[1, 1], [1, 0], [1, 0]]
 */
export function lengthsToMask(
  lengths: Int32Array | Tensor,
  time: number,
  batch: number,
  dtype: "float32" | "float64",
  where: string,
  options: LengthsOptions = {},
): Tensor {
  const values = readLengths(lengths, where);
  if (values.length !== batch) {
    throw new CellError(
      "SHAPE",
      `${where}: lengths must hold one length per row, [${batch}], got [${values.length}]`,
    );
  }
  const bad = values.findIndex((l) => !(Number.isInteger(l) && l >= 1 && l <= time));
  if (bad >= 0) {
    throw new CellError(
      "SHAPE",
      `${where}: lengths must be in 1..${time} (the input's time steps), got ${values[bad]} for row ${bad}`,
    );
  }
  if (options.enforceSorted ?? true) {
    const unsorted = values.findIndex((l, b) => b > 0 && l > (values[b - 1] as number));
    if (unsorted >= 0) {
      throw new CellError(
        "SHAPE",
        `${where}: lengths must be in decreasing order with enforceSorted (PyTorch's default), got ${values[unsorted - 1]} then ${values[unsorted]} at rows ${unsorted - 1}, ${unsorted}; pass enforceSorted: false for any order`,
      );
    }
  }
  const mask = new Float64Array(time * batch);
  for (let b = 0; b < batch; b++) {
    const length = values[b] as number;
    for (let t = 0; t < length; t++) mask[t * batch + b] = 1;
  }
  return tensor(mask, { shape: [time, batch], dtype });
}

function readLengths(lengths: Int32Array | Tensor, where: string): number[] {
  if (lengths instanceof Int32Array) return Array.from(lengths);
  const isTensor = typeof (lengths as Tensor | undefined)?.data === "function";
  if (!isTensor || lengths.dtype !== "int32" || lengths.rank !== 1) {
    const got = isTensor
      ? `${lengths.dtype} [${lengths.shape.join(", ")}]`
      : Array.isArray(lengths)
        ? "a plain array"
        : typeof lengths;
    throw new CellError(
      "SHAPE",
      `${where}: lengths must be an Int32Array or an int32 tensor [batch], got ${got}`,
    );
  }
  return Array.from(lengths.data());
}
