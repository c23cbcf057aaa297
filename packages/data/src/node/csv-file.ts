/**
 * One numeric column of a CSV file, streamed line by line: only the numbers
 * are kept, so the file can be far larger than memory would hold as text.
 */
import { type CsvColumn, type CsvColumnOptions, CsvColumnReader } from "../csv.js";
import { type ReadOptions, readLines } from "./read-lines.js";

/**
 * Read one column of a CSV file as numbers.
 *
 * @example
 * const { values } = await readCsvColumn("prices.csv", { column: "close" });
 */
export async function readCsvColumn(
  path: string,
  options: CsvColumnOptions & ReadOptions = {},
): Promise<CsvColumn> {
  const reader = new CsvColumnReader({ source: path, ...options });
  for await (const line of readLines(path, options)) reader.push(line);
  return reader.finish();
}
