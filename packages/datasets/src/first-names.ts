/**
 * English first names from their two lists, and the options that pick them:
 * the one place both the Node loader (lists read by @stdlib from disk) and a
 * web page (lists shipped with the page) take them from, so a checkpoint
 * trained in either names the same data. Browser-safe: imported as
 * `@recurrent/datasets/first-names`.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "./options.js";

/** Options of `loadFirstNames` and `firstNamesFrom`, declared once: the `first-names-en` entries parse it too. */
export const firstNamesSchema = z.object({
  which: z
    .enum(["female", "male", "all"])
    .default("all")
    .describe('"all": the female list, then the male names not already in it'),
  lowercase: z.boolean().default(false).describe("lower-case the names"),
});

export type FirstNamesOptions = z.input<typeof firstNamesSchema>;

/** The two lists the names come from. */
export interface FirstNameLists {
  readonly female: readonly string[];
  readonly male: readonly string[];
}

/**
 * The names, each once, in the lists' order (the raw lists repeat a few).
 *
 * @example
 * firstNamesFrom({ female: ["Ann", "Jo"], male: ["Jo", "Al"] }); // ["Ann", "Jo", "Al"]
 */
export function firstNamesFrom(
  lists: FirstNameLists | (() => FirstNameLists),
  options: FirstNamesOptions = {},
  where = "firstNamesFrom",
): string[] {
  const { which, lowercase } = parseOptions(where, firstNamesSchema, options);
  const { female, male } = typeof lists === "function" ? lists() : lists;
  const raw = [...(which === "male" ? [] : female), ...(which === "female" ? [] : male)];
  const names = lowercase ? raw.map((name) => name.toLowerCase()) : raw;
  return [...new Set(names)];
}
