/**
 * Which path trains a cell: a fused whole-sequence path (forward and
 * backward over all steps at once) or the step path (one small autograd
 * graph per step). `recurrent list` prints it and the trainer can say it,
 * so a cell that runs slower than a built-in says why instead of leaving
 * its author to measure.
 *
 * The one function below is the place that decides. Today a cell is fused
 * when its definition carries a `fused` function; a derived fused path
 * (generated from `step`) reports here too once it exists.
 */
import type { Cell, CellDefinition } from "./cell.js";

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
 * The path a cell trains on.
 *
 * @example
 * fusedSupport(lstm).path; // "hand-written"
 * fusedSupport(peepholeLstm); // { path: "step", why: "no fused path is derived yet; the runner unrolls its step" }
 */
export function fusedSupport(cell: CellDefinition | Cell): FusedSupport {
  const definition = "definition" in cell ? cell.definition : cell;
  if (definition.fused !== undefined) {
    return { path: "hand-written", why: "options it lacks run the step path" };
  }
  return { path: "step", why: "no fused path is derived yet; the runner unrolls its step" };
}

/** One phrase for listings: `hand-written (…)`, `derived (…)` or `step path (…)`. */
export function formatFusedSupport(support: FusedSupport): string {
  return `${support.path === "step" ? "step path" : support.path} (${support.why})`;
}
