/**
 * The kinds every registry starts with. The typed interfaces that plugins
 * augment (`CellTypes`, …, `KindMap`) are declared in index.ts: TypeScript
 * merges a `declare module "@recurrent/registry"` augmentation only with a
 * declaration made in that module itself, not with a re-export.
 */

export interface KindInfo {
  readonly name: string;
  readonly description: string;
  /**
   * Checks at run time what a factory of this kind returned (an entry whose
   * `create` returns the wrong thing fails where it is created, naming it).
   */
  readonly guard?: (value: unknown) => boolean;
}

/** A kind whose entries create `TValue`s: the type rides along for `KindValues`, the guard checks it at run time. */
export interface Kind<TValue> extends KindInfo {
  readonly guard: (value: unknown) => value is TValue;
}

/**
 * Declare a kind a plugin adds, with the type of what its entries create and
 * a guard that checks it. Pair it with a `KindValues` augmentation so that
 * `registry.create(kind, …)` is typed:
 *
 * @example
 * export const metricKind = defineKind<Metric>({
 *   name: "metric",
 *   description: "evaluation metrics",
 *   guard: (v): v is Metric => typeof v === "function",
 * });
 * declare module "@recurrent/registry" {
 *   interface KindValues { metric: Metric }
 * }
 */
export function defineKind<TValue>(kind: {
  name: string;
  description: string;
  guard: (value: unknown) => value is TValue;
}): Kind<TValue> {
  return kind;
}

export const builtInKinds: readonly KindInfo[] = [
  { name: "cell", description: "recurrent cells: one pure step over time, unrolled by the runner" },
  { name: "optimizer", description: "parameter update rules (SGD, Adam, …)" },
  { name: "schedule", description: "learning-rate schedules" },
  { name: "dataset", description: "sources of sequences: text, series, synthetic tasks" },
  { name: "tokenizer", description: "text to token ids and back" },
  { name: "loss", description: "training objectives" },
  { name: "initializer", description: "how parameters get their first values" },
  { name: "backend", description: "where tensors live and kernels run" },
];
