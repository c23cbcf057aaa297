/**
 * `recurrent note`: the lecture note, measured. Runs the experiments of
 * every section in the note's order and writes one self-contained page
 * (note.html) and the same numbers as JSON (note.json). `--quick` runs the
 * same experiments with reduced budgets (about a minute; the test suite runs
 * it and checks the direction of every claim); the full version is what the
 * trainer README reports.
 */

import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join, resolve } from "node:path";
import { TrainerError } from "../errors.js";
import { writeFileAtomic } from "../files.js";
import type { TrainerIo } from "../io.js";
import { displayPath, RunDir, timestamp } from "../run-dir.js";
import { registryWith } from "../setup.js";
import { renderNotePage } from "./page.js";
import type { NoteContext, Section, SectionResult } from "./section.js";
import { gruSection, memorySection, restoreMemoryResults } from "./sections-memory.js";
import { ladderSection, markovSection, orderSection, windowSection } from "./sections-models.js";
import { gradientsSection, truncationSection } from "./sections-training.js";
import { DatasetCache } from "./train-one.js";

/** The sections, in the order of the lecture note. */
export const noteSections: readonly Section[] = [
  orderSection,
  windowSection,
  markovSection,
  ladderSection,
  truncationSection,
  gradientsSection,
  memorySection,
  gruSection,
];

export interface NoteFlags {
  readonly quick?: boolean;
  readonly only?: string;
  readonly out?: string;
  readonly plugin?: readonly string[];
  readonly threads?: string;
  /** note.json files whose sections are taken as measured instead of run again. */
  readonly reuse?: readonly string[];
}

/** The sections measured in earlier note.json files (a later file wins), by id. */
function reusedSections(files: readonly string[], cwd: string): Map<string, SectionResult> {
  const found = new Map<string, SectionResult>();
  for (const file of files) {
    const path = resolve(cwd, file);
    let parsed: { sections?: SectionResult[] };
    try {
      parsed = JSON.parse(readFileSync(path, "utf8")) as { sections?: SectionResult[] };
    } catch (error) {
      throw new TrainerError(
        "USAGE",
        `--reuse ${file}: expected a note.json written by recurrent note, got ${(error as Error).message}`,
      );
    }
    if (!Array.isArray(parsed.sections)) {
      throw new TrainerError(
        "USAGE",
        `--reuse ${file}: expected a note.json with "sections", got none`,
      );
    }
    for (const section of parsed.sections) found.set(section.id, section);
  }
  return found;
}

/** The sections `--only` names (ids or numbers), in the note's order; section 8 needs 7. */
function chosenSections(only: string | undefined): Section[] {
  if (only === undefined) return [...noteSections];
  const wanted = only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ids = noteSections.map((s) => s.id);
  for (const w of wanted) {
    const byNumber = /^\d+$/.test(w) && Number(w) >= 1 && Number(w) <= noteSections.length;
    if (!byNumber && !ids.includes(w)) {
      throw new TrainerError(
        "USAGE",
        `--only: expected section ids or numbers 1–${noteSections.length} (${ids.join(", ")}), got ${JSON.stringify(w)}`,
      );
    }
  }
  const picked = noteSections.filter(
    (s, i) => wanted.includes(s.id) || wanted.includes(String(i + 1)),
  );
  if (picked.includes(gruSection) && !picked.includes(memorySection)) {
    picked.splice(picked.indexOf(gruSection), 0, memorySection);
  }
  return picked;
}

export async function noteCommand(
  flags: NoteFlags,
  io: TrainerIo,
  argv: readonly string[],
): Promise<number> {
  const sections = chosenSections(flags.only);
  const reused = reusedSections(flags.reuse ?? [], io.cwd);
  const threads =
    flags.threads === undefined
      ? undefined
      : flags.threads === "auto"
        ? "auto"
        : Number(flags.threads);
  if (threads !== undefined && threads !== "auto" && !(Number.isInteger(threads) && threads >= 1)) {
    throw new TrainerError(
      "USAGE",
      `--threads: expected a whole number >= 1 or "auto", got ${JSON.stringify(flags.threads)}`,
    );
  }
  const { registry, plugins } = await registryWith(flags.plugin ?? [], io.cwd);
  const { registry: plain } = await registryWith([], io.cwd);
  const pluginCells = registry
    .list("cell")
    .map((e) => e.name)
    .filter((name) => !plain.has("cell", name));
  const quick = flags.quick === true;
  const outPath = RunDir.resolve(
    io.cwd,
    flags.out ?? join("runs", `${timestamp()}-note${quick ? "-quick" : ""}`),
  ).path;
  RunDir.checkFree(outPath);
  const out = RunDir.create(outPath);
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const context: NoteContext = {
    registry,
    io,
    datasets: new DatasetCache(registry, io.cwd),
    plugins,
    pluginCells,
    quick,
    overrides: threads === undefined ? {} : { "train.threads": threads },
    say,
  };
  say(
    `the note, measured${quick ? " (quick)" : ""}: ${sections.length} sections${pluginCells.length > 0 ? ` · plugin cells ${pluginCells.join(", ")}` : ""}`,
  );
  say(`out     ${displayPath(io.cwd, out.path)}\n`);
  const started = io.now();
  const results: SectionResult[] = [];
  const write = () => {
    // Time spent measuring: the sections' own times (reused sections keep theirs).
    const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
    const command = ["recurrent", "note", ...argv].join(" ");
    const date = new Date().toISOString().slice(0, 10);
    const machine = `${cpus()[0]?.model ?? "cpu"} × ${availableParallelism()}, Node ${process.version}`;
    writeFileAtomic(
      out.file("note.json"),
      `${JSON.stringify({ date, command, quick, machine, seconds, sections: results }, null, 2)}\n`,
    );
    writeFileAtomic(
      out.file("note.html"),
      renderNotePage({
        title: "RNN Basic, measured",
        command,
        date,
        quick,
        machine,
        seconds,
        sections: results,
      }),
    );
  };
  for (const section of sections) {
    say(section.title);
    const earlier = reused.get(section.id);
    if (earlier !== undefined) {
      if (section === memorySection) restoreMemoryResults(earlier.numbers);
      results.push(earlier);
      say("  measured before (--reuse)\n");
      write();
      continue;
    }
    const sectionStart = io.now();
    const result = await section.run(context);
    const seconds = (io.now() - sectionStart) / 1000;
    results.push({ id: section.id, title: section.title, seconds, ...result });
    for (const check of result.checks) {
      say(`  ${check.passed ? "✓" : "✗"} ${check.claim} (${check.detail})`);
    }
    say(`  (${seconds.toFixed(0)} s)\n`);
    write(); // the page so far: a stopped run still leaves what it measured
  }
  const checks = results.flatMap((r) => r.checks);
  const held = checks.filter((c) => c.passed).length;
  say(
    `${held}/${checks.length} checks held in ${((io.now() - started) / 1000).toFixed(0)} s · page ${displayPath(io.cwd, out.file("note.html"))} · numbers ${displayPath(io.cwd, out.file("note.json"))}`,
  );
  return 0;
}
