/**
 * Test support, not shipped: runs the whole-recurrence kernels of the active
 * backend (forward, then backward from seeded incoming gradients) on seeded
 * data, and returns every buffer they write as plain numbers, so tests can
 * compare backends, thread counts and layouts on the same case.
 */
import { kernel } from "../backend.js";
import type { DType } from "../dtype.js";
import { tensor } from "../ops/creation.js";
import { transpose } from "../ops/views.js";
import type { Tensor } from "../tensor.js";
import { seeded, values } from "./reference.js";

export type SequenceCell = "lstm" | "gru" | "rnn";

export interface SequenceCase {
  readonly cell: SequenceCell;
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  readonly reverse?: boolean;
  /** Right-padded lengths per row (a [T, B] mask), or none. */
  readonly lengths?: readonly number[];
  /** Whether the outputs receive a gradient (else only the final state does). */
  readonly dy?: boolean;
  readonly activation?: "tanh" | "relu";
  readonly dtype?: DType;
  /** W_hh as a transposed view (not dense): the wasm backend then runs the per-step loops. */
  readonly transposedWeights?: boolean;
}

const gatesOf: Record<SequenceCell, number> = { lstm: 4, gru: 3, rnn: 1 };

/** Every output of one forward and one backward pass, by buffer name (`dhIn`: dh before). */
export function runSequenceCase(c: SequenceCase, seed = 1): Record<string, number[]> {
  const { steps: T, batch: B, hidden: H } = c;
  const dtype = c.dtype ?? "float32";
  const G = gatesOf[c.cell] * H;
  let next = seed;
  const random = (shape: number[], scale = 1) =>
    tensor(
      Float64Array.from(
        seeded(
          next++,
          shape.reduce((s, d) => s * d, 1),
          -scale,
          scale,
        ),
      ),
      { shape, dtype },
    );
  const empty = (shape: number[]) => random(shape, 0);
  const mask =
    c.lengths === undefined
      ? null
      : tensor(
          Float64Array.from({ length: T * B }, (_, i) =>
            Math.floor(i / B) < (c.lengths?.[i % B] ?? T) ? 1 : 0,
          ),
          { shape: [T, B], dtype },
        );
  const shape = { steps: T, batch: B, hidden: H, reverse: c.reverse ?? false, mask };
  const wHh = c.transposedWeights
    ? transpose(random([H, G], 1 / Math.sqrt(H)))
    : random([G, H], 1 / Math.sqrt(H));
  const h0 = random([B, H], 0.5);
  const dyOf = () => (c.dy === false ? null : random([T * B, H]));
  let dhIn: number[] = [];
  const out = (named: Record<string, Tensor | null>) => ({
    ...Object.fromEntries(Object.entries(named).map(([k, v]) => [k, values(v as Tensor)])),
    dhIn,
  });

  if (c.cell === "lstm") {
    const gates = random([T * B, G]);
    const c0 = random([B, H], 0.5);
    const [cells, states, y] = [empty([T * B, H]), empty([T * B, H]), empty([T * B, H])];
    kernel("lstmSequenceForward")({ ...shape, wHh, gates, h0, c0, cells, states, y });
    const [dy, dh, dc] = [dyOf(), random([B, H]), random([B, H])];
    const dGates = empty([T * B, G]);
    dhIn = values(dh);
    kernel("lstmSequenceBackward")({
      ...shape,
      wHh,
      gates,
      cells,
      c0,
      dy,
      dh,
      dc,
      dGates,
      scratch: empty([B, H]),
    });
    return out({ gates, cells, states, y, dh, dc, dGates });
  }
  if (c.cell === "gru") {
    const xp = random([T * B, G]);
    const hp = random([T * B, G]);
    const gates = empty([T * B, G]);
    const [states, y] = [empty([T * B, H]), empty([T * B, H])];
    kernel("gruSequenceForward")({ ...shape, wHh, xp, hp, gates, h0, states, y });
    const [dy, dh] = [dyOf(), random([B, H])];
    const [dxp, dhp] = [empty([T * B, G]), empty([T * B, G])];
    dhIn = values(dh);
    kernel("gruSequenceBackward")({
      ...shape,
      wHh,
      gates,
      hp,
      states,
      h0,
      dy,
      dh,
      dxp,
      dhp,
      scratch: empty([B, H]),
    });
    return out({ hp, gates, states, y, dh, dxp, dhp });
  }
  const activation = c.activation ?? "tanh";
  const pre = random([T * B, H]);
  const [states, y] = [empty([T * B, H]), empty([T * B, H])];
  kernel("rnnSequenceForward")({ ...shape, activation, wHh, pre, h0, states, y });
  const [dy, dh] = [dyOf(), random([B, H])];
  const dPre = empty([T * B, H]);
  dhIn = values(dh);
  kernel("rnnSequenceBackward")({
    ...shape,
    activation,
    wHh,
    act: pre,
    dy,
    dh,
    dPre,
    scratch: empty([B, H]),
  });
  return out({ pre, states, y, dh, dPre });
}
