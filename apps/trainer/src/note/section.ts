/**
 * What one section of the note's page is: a claim of the lecture note in
 * one sentence, the experiment that tests it, its charts and tables, the
 * measured numbers (also written as JSON), and checks that say whether the
 * numbers point the way the claim says. Sections share a context: the
 * registry, the configs under configs/note/, a dataset cache and the
 * quick/full switch.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json, Registry } from "@recurrent/registry";
import { withEntryDefaults } from "../config.js";
import { setPath } from "../config-edit.js";
import type { TrainerIo } from "../io.js";
import { type DatasetCache, type TrainedRun, type TrainLimits, trainOne } from "./train-one.js";

export type { Json };

export interface Check {
  /** What must hold, e.g. "LSTM beats the RNN at delay 20". */
  readonly claim: string;
  readonly passed: boolean;
  /** The numbers behind it. */
  readonly detail: string;
}

export interface Table {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface SectionResult {
  readonly id: string;
  readonly title: string;
  /** The note's claim, in one sentence. */
  readonly claim: string;
  /** The note's own words (Korean), quoted. */
  readonly quote: string;
  /** What was run: models, data, budget. */
  readonly experiment: string;
  /** The configs under configs/note/ that run each part alone. */
  readonly configs: readonly string[];
  /** Inline SVG charts. */
  readonly charts: readonly string[];
  readonly tables: readonly Table[];
  readonly samples?: readonly { readonly model: string; readonly text: string }[];
  readonly checks: readonly Check[];
  /** The measured numbers, as written to note.json. */
  readonly numbers: Json;
  readonly seconds: number;
}

export interface NoteContext {
  readonly registry: Registry;
  readonly io: TrainerIo;
  readonly datasets: DatasetCache;
  readonly plugins: readonly string[];
  /** Cells added by the loaded plugins (they join the ladder and the memory tasks). */
  readonly pluginCells: readonly string[];
  readonly quick: boolean;
  /** Config edits applied to every experiment (e.g. train.threads from --threads). */
  readonly overrides: Record<string, unknown>;
  say(line: string): void;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  run(context: NoteContext): Promise<Omit<SectionResult, "id" | "title" | "seconds">>;
}

/** The directory of the note's configs (apps/trainer/configs/note/), from src/ or dist/. */
export const noteConfigDir = fileURLToPath(new URL("../../configs/note/", import.meta.url));

/** A config of configs/note/, as raw JSON with every registry section present. */
export function noteConfig(file: string): Json {
  return withEntryDefaults(JSON.parse(readFileSync(`${noteConfigDir}${file}`, "utf8")) as Json);
}

/** A copy of `raw` with each dotted path set to its value. */
export function edited(raw: Json, edits: Record<string, unknown>): Json {
  const out = structuredClone(raw);
  for (const [path, value] of Object.entries(edits)) setPath(out, path.split("."), value);
  return out;
}

/** Train one variant, saying what it is and what it measured on one line. */
export async function trainVariant(
  context: NoteContext,
  label: string,
  raw: Json,
  limits: TrainLimits = {},
): Promise<TrainedRun> {
  const run = await trainOne(
    edited(raw, context.overrides),
    context.registry,
    context.io,
    context.datasets,
    context.plugins,
    limits,
  );
  const shown = Object.entries(run.metrics)
    .filter(([k]) => ["loss", "accuracy", "mse", "mse@1", "mse@64"].includes(k))
    .map(([k, v]) => `${k} ${Number.isFinite(v) ? v.toFixed(4) : String(v)}`)
    .join(" · ");
  context.say(
    `  ${label}: ${run.steps} steps in ${run.wallSeconds.toFixed(1)}s${run.diverged === null ? "" : ` · diverged at step ${run.diverged}`} · ${shown}`,
  );
  return run;
}

/** Free a run's model and optimizer state once its numbers are read. */
export function release(run: TrainedRun): void {
  for (const p of run.session.model.parameters()) {
    p.grad?.dispose();
    p.grad = null;
  }
}

export const fmt = (v: number | undefined | null, digits = 4): string =>
  v === undefined || v === null ? "–" : Number.isFinite(v) ? v.toFixed(digits) : String(v);

export const pct = (v: number | undefined): string =>
  v === undefined ? "–" : `${(100 * v).toFixed(1)}%`;
