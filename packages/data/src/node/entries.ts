/**
 * A user's files as registry entries (kind `dataset`): asynchronous, because
 * files are streamed. The real datasets shipped in @stdlib packages live in
 * @recurrent/datasets.
 */
import { defineEntry, z } from "@recurrent/registry";
import type { SequencesDataset, SeriesDataset, TextDataset } from "../dataset.js";
import { readCsvColumn } from "./csv-file.js";
import { readLinesFile, readTextFile } from "./text-files.js";

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
