/**
 * A cell's derived plan: traced, lowered and compiled once per (cell,
 * config, input size) and cached, or the reason it cannot be (the step path
 * then runs). `derivedPathStatus` is what `recurrent list` prints.
 */
import type { Cell, CellContext, CellDefinition } from "../cell.js";
import { type CompiledSegment, codegenBlocked, compileSegments, segmentSource } from "./codegen.js";
import { type Lowered, lower } from "./lower.js";
import { replayable } from "./replay.js";
import { type Trace, TraceError, traceStep } from "./trace.js";

export interface Plan {
  readonly trace: Trace;
  readonly lowered: Lowered;
  /** By level; null where a level has no element-wise work. */
  readonly segments: readonly (CompiledSegment | null)[];
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
  try {
    trace = traceStep(definition, config);
    lowered = lower(trace);
    for (const operand of lowered.operands) {
      const why = replayable(trace, operand.node);
      if (why !== null) throw new TraceError(why);
    }
  } catch (error) {
    if (error instanceof TraceError) return { reason: error.message };
    return { reason: `tracing failed: ${(error as Error).message}` };
  }
  const sources = [];
  for (let level = 0; level <= lowered.levels; level++) {
    const source = segmentSource(lowered, level);
    if (source !== null) sources.push(source);
  }
  const compiled = compileSegments(sources);
  if (compiled === null) return { reason: codegenBlocked() ?? "code generation is unavailable" };
  const segments: (CompiledSegment | null)[] = new Array(lowered.levels + 1).fill(null);
  for (const s of compiled) segments[s.level] = s;
  const xSlot = lowered.slots.findIndex((s) => s.kind === "x");
  const readsX = lowered.scalars.some((s) => s.t === "load" && s.slot === xSlot);
  return { plan: { trace, lowered, segments, readsX } };
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
