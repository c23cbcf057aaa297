/**
 * The runner's entry to the derived fused path: plan the cell for this
 * layer's config, replay the parameter-only values, and run the sequence op.
 * Returns null where the plan cannot serve (the step path then runs).
 */
import type { Tensor } from "@recurrent/tensor";
import type { Cell, CellContext, CellState } from "../cell.js";
import { planFor } from "./plan.js";
import { replay } from "./replay.js";
import { derivedSequence } from "./sequence.js";

export interface DerivedRequest {
  readonly cell: Cell;
  readonly params: Record<string, Tensor>;
  /** [T, B, input] features, or int32 ids [T, B] standing for one-hot rows of `input`. */
  readonly x: Tensor;
  /** Makes the one-hot rows of `x` when it holds ids and the plan reads x element-wise. */
  readonly oneHot: () => Tensor;
  readonly input: number;
  readonly state: CellState;
  readonly mask: Tensor | null;
  readonly reverse: boolean;
}

export function runDerived(request: DerivedRequest): { outputs: Tensor; state: CellState } | null {
  const { cell, params, input } = request;
  const config = { ...cell.config, input } as Record<string, unknown> & CellContext;
  const result = planFor(cell.definition, config);
  if (!("plan" in result)) return null;
  const { plan } = result;
  const first = Object.values(params)[0];
  const dtype = first?.dtype === "float64" ? "float64" : "float32";
  const cache = new Map<number, Tensor>();
  const operands = plan.lowered.operands.map((o) =>
    replay(plan.trace, o.node, params, dtype, cache),
  );
  const x = request.x.dtype === "int32" && plan.readsX ? request.oneHot() : request.x;
  const parts = plan.lowered.stateParts;
  const { y, state } = derivedSequence(
    plan,
    x,
    parts.map((p) => request.state[p] as Tensor),
    operands,
    request.mask,
    request.reverse,
  );
  const out: CellState = {};
  parts.forEach((p, i) => {
    out[p] = state[i] as Tensor;
  });
  return { outputs: y, state: out };
}
