/**
 * The kinds every registry starts with. The typed interfaces that plugins
 * augment (`CellTypes`, …, `KindMap`) are declared in index.ts: TypeScript
 * merges a `declare module "@recurrent/registry"` augmentation only with a
 * declaration made in that module itself, not with a re-export.
 */

export interface KindInfo {
  readonly name: string;
  readonly description: string;
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
