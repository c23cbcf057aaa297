/**
 * @recurrent/data/node — the Node-only part of @recurrent/data: a user's
 * text, lines and CSV files (streamed line by line), and `nodeDataPlugin`,
 * which registers them. The real datasets (Moby Dick, first names, US
 * births) are in @recurrent/datasets.
 */
export type { CsvColumn, CsvColumnOptions } from "../csv.js";
export { readCsvColumn } from "./csv-file.js";
export { csvColumnEntry, linesFileEntry, textFileEntry } from "./entries.js";
export { nodeDataPlugin } from "./plugin.js";
export type { ReadOptions } from "./read-lines.js";
export { readLines } from "./read-lines.js";
export {
  encodeTextFile,
  fitTokenizerOnFile,
  readLinesFile,
  readTextFile,
} from "./text-files.js";
