/**
 * The messages between the page and a training worker. Requests carry an id
 * and get one reply (`ok` with a result, or an error message); while it
 * trains, the worker also sends events: progress (a batch of training
 * losses), evaluations (validation metrics and the gradient flow) and the
 * end of training.
 */
import type { OptionInfo } from "@recurrent/registry";
import type { Task } from "@recurrent/trainer/core";

/** A plugin to register: an example by its package name, or a user's module by its source text. */
export interface PluginSource {
  readonly spec: string;
  readonly source?: string;
}

export interface EntryInfo {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionInfo[];
  /** The plugin that registered it. */
  readonly plugin: string;
}

export interface Catalog {
  readonly cells: readonly EntryInfo[];
  readonly optimizers: readonly EntryInfo[];
  readonly plugins: readonly string[];
}

export interface SessionSummary {
  /** The trainer's task kind: language models generate, series forecast. */
  readonly kind: Task["kind"];
  readonly description: string;
  readonly cell: string;
  readonly parameters: number;
  readonly vocab: number | null;
  readonly step: number;
  readonly steps: number | null;
  readonly threads: number;
  /** Why the model can only generate (its data is a stand-in), or null. */
  readonly generationOnly: string | null;
  /** The config as resolved (defaults filled), what a checkpoint records. */
  readonly config: Record<string, unknown>;
}

export interface GenerateOptions {
  readonly prefix: string;
  readonly length: number;
  readonly temperature: number;
  readonly topK: number | null;
  readonly greedy: boolean;
  readonly seed: number;
  readonly count: number;
}

export interface ForecastResult {
  /** Original units: the true values of the held-out split and the model's forecast of them. */
  readonly truth: number[];
  readonly forecast: number[];
  /** The last true values before the forecast starts. */
  readonly context: number[];
  readonly mae: number;
}

export type Request =
  | { readonly type: "init"; readonly plugins: readonly PluginSource[] }
  | { readonly type: "catalog" }
  | { readonly type: "configure"; readonly config: Record<string, unknown> }
  | { readonly type: "start" }
  | { readonly type: "pause" }
  | { readonly type: "reset" }
  | { readonly type: "evaluate"; readonly split: "validation" | "test" }
  | { readonly type: "generate"; readonly options: GenerateOptions }
  | { readonly type: "forecast"; readonly horizon: number }
  | { readonly type: "save" }
  | { readonly type: "load"; readonly bytes: Uint8Array };

export interface Results {
  init: Catalog;
  catalog: Catalog;
  configure: SessionSummary;
  start: { readonly step: number };
  pause: { readonly step: number };
  reset: SessionSummary;
  evaluate: Record<string, number>;
  generate: string[];
  forecast: ForecastResult;
  save: { readonly bytes: Uint8Array; readonly name: string };
  load: SessionSummary;
}

export interface TrainPoint {
  readonly step: number;
  readonly loss: number;
}

export interface GradFlowView {
  readonly rows: readonly string[];
  readonly norms: readonly (readonly number[])[];
  readonly part: string;
  readonly lossAt: string;
}

export type WorkerEvent =
  | {
      readonly event: "progress";
      readonly step: number;
      readonly loss: number;
      readonly tokensPerSecond: number;
      readonly elapsedMs: number;
      readonly points: readonly TrainPoint[];
    }
  | {
      readonly event: "eval";
      readonly step: number;
      readonly metrics: Record<string, number>;
      readonly gradFlow: GradFlowView | null;
    }
  | { readonly event: "stopped"; readonly step: number; readonly reason: "paused" | "done" }
  | { readonly event: "failed"; readonly message: string };

export type Reply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
