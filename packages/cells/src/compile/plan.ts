/**
 * A cell's derived plan: traced, lowered and turned into row programs once
 * per (cell, config, input size) and cached, or the reason it cannot be (the step path
 * then runs). `derivedPathStatus` is what `recurrent list` prints.
 */
import { tidy } from "@recurrent/tensor";
import type { Cell, CellContext, CellDefinition } from "../cell.js";
import { type Fusion, fuseSums } from "./fuse.js";
import { type Lowered, lower } from "./lower.js";
import { type LevelPrograms, levelPrograms } from "./programs.js";
import { replayable } from "./replay.js";
import { type Trace, TraceError, traceStep } from "./trace.js";

export interface Plan {
  readonly trace: Trace;
  readonly lowered: Lowered;
  /** Products and vectors folded into the hoisted projections (see fuse.ts). */
  readonly fusion: Fusion;
  /** By level, the element-wise work as row programs; null where a level has none. */
  readonly programs: readonly (LevelPrograms | null)[];
  /** The same for a sequence with a mask (padded rows keep their state). */
  readonly maskedPrograms: readonly (LevelPrograms | null)[];
  /** Whether x is read element-wise (then token ids must be made one-hot first). */
  readonly readsX: boolean;
}

export type PlanResult = { readonly plan: Plan } | { readonly reason: string };

const cache = new WeakMap<CellDefinition, Map<string, PlanResult>>();

function build(
  definition: CellDefinition,
  config: Record<string, unknown> & CellContext,
): PlanResult {
  let trace: Trace;
  let lowered: Lowered;
  let fusion: Fusion;
  try {
    // The trace runs the step on placeholder tensors as large as the real parameters (float64):
    // freed here, not at the end of whatever scope the first forward happens to run in.
    trace = tidy(() => traceStep(definition, config));
    ({ lowered, fusion } = fuseSums(lower(trace)));
    for (const operand of lowered.operands) {
      const why = replayable(trace, operand.node);
      if (why !== null) throw new TraceError(why);
    }
  } catch (error) {
    if (error instanceof TraceError) return { reason: error.message };
    return { reason: `tracing failed: ${(error as Error).message}` };
  }
  const levels = Array.from({ length: lowered.levels + 1 }, (_, level) => level);
  const programs = levels.map((level) => levelPrograms(lowered, level, false));
  const maskedPrograms = levels.map((level) => levelPrograms(lowered, level, true));
  const xSlot = lowered.slots.findIndex((s) => s.kind === "x");
  const readsX = lowered.scalars.some((s) => s.t === "load" && s.slot === xSlot);
  return { plan: { trace, lowered, fusion, programs, maskedPrograms, readsX } };
}

/** The cached plan for a cell and config (`config.input` included), or why there is none. */
export function planFor(
  definition: CellDefinition,
  config: Record<string, unknown> & CellContext,
): PlanResult {
  let byConfig = cache.get(definition);
  if (byConfig === undefined) {
    byConfig = new Map();
    cache.set(definition, byConfig);
  }
  const key = JSON.stringify(config);
  let result = byConfig.get(key);
  if (result === undefined) {
    result = build(definition, config);
    byConfig.set(key, result);
  }
  return result;
}

export interface DerivedPathStatus {
  /** Whether the generated fused path serves this cell. */
  readonly fused: boolean;
  /** Why not, as a sentence; null when it does. */
  readonly reason: string | null;
}

/**
 * Whether the generated fused path (and the fast one-step rollout) serves a
 * configured cell for an input of `input` features, and why not.
 *
 * @example
 * derivedPathStatus(lstm.create({ hidden: 64 })); // { fused: true, reason: null }
 */
export function derivedPathStatus(cell: Cell, input = 8): DerivedPathStatus {
  const result = planFor(cell.definition, { ...cell.config, input });
  return "plan" in result ? { fused: true, reason: null } : { fused: false, reason: result.reason };
}
