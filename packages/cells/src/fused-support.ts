/**
 * Which path trains a cell: a fused whole-sequence path (forward and
 * backward over all steps at once) or the step path (one small autograd
 * graph per step). `recurrent list` prints it and the trainer can say it,
 * so a cell that runs slower than a built-in says why instead of leaving
 * its author to measure.
 *
 * The one function below is the place that decides: a definition's own
 * `fused` function first (hand-written), else the path derived from its
 * `step` (compile/), else the step path, with the reason the derived path
 * gave.
 */
import type { Cell, CellDefinition } from "./cell.js";
import { derivedPathStatus } from "./compile/plan.js";

export interface FusedSupport {
  /**
   * "hand-written": the definition carries its own `fused` function;
   * "derived": the library derives a fused path from `step`;
   * "step": no fused path, the runner unrolls `step`.
   */
  readonly path: "hand-written" | "derived" | "step";
  /** One short phrase: what else to know, or why there is no fused path. */
  readonly why: string;
}

/**
 * The path a cell trains on, for its config when given a configured cell,
 * else for its defaults.
 *
 * @example
 * fusedSupport(lstm).path; // "derived"
 * fusedSupport(createCell(peepholeLstm)); // { path: "derived", why: "generated from its step" }
 */
export function fusedSupport(cell: CellDefinition | Cell): FusedSupport {
  const definition = "definition" in cell ? cell.definition : cell;
  if (definition.fused !== undefined) {
    return {
      path: "hand-written",
      why: "options it lacks take the derived or the step path",
    };
  }
  let configured: Cell;
  try {
    configured = "definition" in cell ? cell : definition.create({});
  } catch {
    return { path: "step", why: "its options have no defaults to tell by; give it a config" };
  }
  const status = derivedPathStatus(configured);
  return status.fused
    ? { path: "derived", why: "generated from its step" }
    : { path: "step", why: status.reason ?? "the derived path cannot serve it" };
}

/** One phrase for listings: `hand-written (…)`, `derived (…)` or `step path (…)`. */
export function formatFusedSupport(support: FusedSupport): string {
  return `${support.path === "step" ? "step path" : support.path} (${support.why})`;
}
