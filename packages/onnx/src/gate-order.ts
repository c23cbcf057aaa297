/**
 * PyTorch and ONNX stack the gates of a recurrent layer in different orders,
 * one block of H rows per gate:
 *
 *   LSTM   PyTorch i, f, g, o      ONNX i, o, f, c   (c is PyTorch's g)
 *   GRU    PyTorch r, z, n         ONNX z, r, h      (h is PyTorch's n)
 *   RNN    one block, the same in both
 *
 * `toOnnxOrder` moves the blocks of a weight [G·H, X] or bias [G·H]; the
 * tables below are the one place these orders are written.
 */

/** For each ONNX block, the PyTorch block it takes. */
export const onnxGateOrder = {
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
  rnn: [0],
} as const;

export type GateCell = keyof typeof onnxGateOrder;

/**
 * Reorder the gate blocks of row-major `values` whose rows are `rows`
 * (= G·H) long blocks of `columns` values each.
 */
export function toOnnxOrder(
  cell: GateCell,
  values: ArrayLike<number>,
  rows: number,
  columns: number,
): Float32Array {
  const order = onnxGateOrder[cell];
  const block = (rows / order.length) * columns;
  const out = new Float32Array(rows * columns);
  order.forEach((from, to) => {
    for (let k = 0; k < block; k++) out[to * block + k] = values[from * block + k] as number;
  });
  return out;
}
