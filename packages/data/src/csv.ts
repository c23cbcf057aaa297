/**
 * One numeric column out of CSV text, read a line at a time so a large file
 * can be streamed through it (the node entry feeds it file lines; in a
 * browser, pass the text). Quoted fields ("a, b" and "say ""hi""") are
 * understood within a line; a quoted field spanning lines is reported, not
 * guessed at. Blank lines are skipped. Every error names the source, the
 * line and the column.
 */
import { closestName } from "@recurrent/registry";
import { DataError, ParseError } from "./errors.js";

export interface CsvColumnOptions {
  /** The column, by header name or 0-based index. Default 0. */
  column?: string | number;
  /** Whether the first line is a header. Default true. */
  header?: boolean;
  /** Field separator. Default ",". */
  delimiter?: string;
  /** What to call the source in error messages (a file name). Default "csv". */
  source?: string;
}

/** The values of one column, and what the header said. */
export interface CsvColumn {
  readonly values: Float64Array;
  /** The column's header name, or its index as text when there is no header. */
  readonly name: string;
  /** Every header name (empty without a header). */
  readonly columns: readonly string[];
}

const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Collects one numeric column from CSV lines pushed one by one.
 *
 * @example
 * const reader = new CsvColumnReader({ column: "births" });
 * for (const line of ["date,births", "1969-01-01,8486"]) reader.push(line);
 * reader.finish().values; // Float64Array [8486]
 */
export class CsvColumnReader {
  private readonly options: Required<CsvColumnOptions>;
  private lineNumber = 0;
  private columnIndex: number | undefined;
  private names: readonly string[] = [];
  private values = new Float64Array(1024);
  private count = 0;

  constructor(options: CsvColumnOptions = {}) {
    this.options = {
      column: options.column ?? 0,
      header: options.header ?? true,
      delimiter: options.delimiter ?? ",",
      source: options.source ?? "csv",
    };
    const { column, delimiter } = this.options;
    if (typeof column === "number" && !(Number.isInteger(column) && column >= 0)) {
      throw new DataError(
        "INVALID_ARGUMENT",
        `${this.options.source}: column must be a name or an integer >= 0, got ${column}`,
      );
    }
    if (delimiter.length !== 1 || delimiter === '"') {
      throw new DataError(
        "INVALID_ARGUMENT",
        `${this.options.source}: delimiter must be one character other than a quote, got ${JSON.stringify(delimiter)}`,
      );
    }
    if (!this.options.header && typeof column === "string") {
      throw new DataError(
        "INVALID_ARGUMENT",
        `${this.options.source}: column ${JSON.stringify(column)} is a name, but header is false; give the column's 0-based index`,
      );
    }
  }

  /** Feed the next line (without its line break). */
  push(line: string): void {
    this.lineNumber++;
    const text = this.lineNumber === 1 ? line.replace(/^\uFEFF/, "") : line;
    if (text.trim() === "") return;
    let fields: string[];
    try {
      fields = splitCsvLine(text, this.options.delimiter, this.where());
    } catch (error) {
      if (error instanceof DataError)
        throw new ParseError(error.code, this.lineNumber, error.message);
      throw error;
    }
    if (this.columnIndex === undefined) {
      this.columnIndex = this.resolveColumn(fields);
      if (this.options.header) {
        this.names = fields.map((f) => f.trim());
        return;
      }
    }
    const raw = fields[this.columnIndex];
    if (raw === undefined) {
      throw new ParseError(
        "CSV_SYNTAX",
        this.lineNumber,
        `${this.where()}: expected at least ${this.columnIndex + 1} fields to read column ${this.columnName()}, got ${fields.length}`,
      );
    }
    const trimmed = raw.trim();
    const value = Number(trimmed);
    if (!numberPattern.test(trimmed) || !Number.isFinite(value)) {
      throw new ParseError(
        "NOT_NUMERIC",
        this.lineNumber,
        `${this.where()}, column ${this.columnName()}: expected a number, got ${JSON.stringify(raw)}`,
      );
    }
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = value;
  }

  /** The column read so far; throws if it holds no value. */
  finish(): CsvColumn {
    if (this.count === 0) {
      throw new DataError(
        "EMPTY_SOURCE",
        `${this.options.source}: expected at least one data row, got none (${this.lineNumber} lines read)`,
      );
    }
    return {
      values: this.values.slice(0, this.count),
      name: this.columnName(),
      columns: this.names,
    };
  }

  private where(): string {
    return `${this.options.source} line ${this.lineNumber}`;
  }

  private columnName(): string {
    const index = this.columnIndex ?? 0;
    return this.names[index] !== undefined ? JSON.stringify(this.names[index]) : String(index);
  }

  private resolveColumn(first: readonly string[]): number {
    const { column, header, source } = this.options;
    const names = first.map((f) => f.trim());
    if (typeof column === "string") {
      const index = names.indexOf(column);
      if (index >= 0) return index;
      const near = closestName(column, names);
      const hint = near === undefined ? "" : `; did you mean ${JSON.stringify(near)}?`;
      throw new DataError(
        "UNKNOWN_COLUMN",
        `${source}: expected a column named ${JSON.stringify(column)}, got columns ${names.map((n) => JSON.stringify(n)).join(", ")}${hint}`,
      );
    }
    if (column >= first.length) {
      const what = header
        ? `columns ${names.map((n) => JSON.stringify(n)).join(", ")}`
        : `${first.length} fields`;
      throw new DataError(
        "UNKNOWN_COLUMN",
        `${source}: expected column index ${column} (0-based), got ${what} on line ${this.lineNumber}`,
      );
    }
    return column;
  }
}

/**
 * Split one CSV line into fields, honouring double quotes.
 *
 * @example
 * splitCsvLine('a,"b, c","say ""hi"""'); // ["a", "b, c", 'say "hi"']
 */
export function splitCsvLine(line: string, delimiter = ",", where = "csv"): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (c === delimiter) {
      fields.push(field);
      field = "";
    } else {
      field += c;
    }
  }
  if (quoted) {
    throw new DataError(
      "CSV_SYNTAX",
      `${where}: expected a closing quote before the end of the line (fields spanning lines are not supported)`,
    );
  }
  fields.push(field);
  return fields;
}

/**
 * Read one numeric column from CSV text held in memory.
 *
 * @example
 * parseCsvColumn("t,x\n1,0.5\n2,0.25\n", { column: "x" }).values; // Float64Array [0.5, 0.25]
 */
export function parseCsvColumn(text: string, options: CsvColumnOptions = {}): CsvColumn {
  const reader = new CsvColumnReader(options);
  for (const line of text.split(/\r?\n/)) reader.push(line);
  return reader.finish();
}
