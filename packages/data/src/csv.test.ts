import { describe, expect, test } from "vitest";
import { CsvColumnReader, parseCsvColumn, splitCsvLine } from "./csv.js";
import { ParseError } from "./errors.js";

const births = "year,month,births\n1969,1,8486\n1969,2,9002\n\n1969,3,9542\n";

describe("splitCsvLine", () => {
  test("understands quotes, doubled quotes and other delimiters", () => {
    expect(splitCsvLine('a,"b, c","say ""hi"""')).toEqual(["a", "b, c", 'say "hi"']);
    expect(splitCsvLine("1;2;;3", ";")).toEqual(["1", "2", "", "3"]);
  });

  test("an unterminated quote is an error", () => {
    expect(() =>
      splitCsvLine('1,"open', ",", "data.csv line 4"),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: data.csv line 4: expected a closing quote before the end of the line (fields spanning lines are not supported)]`,
    );
  });
});

describe("parseCsvColumn", () => {
  test("reads a column by name or index, skipping blank lines", () => {
    const byName = parseCsvColumn(births, { column: "births" });
    expect(Array.from(byName.values)).toEqual([8486, 9002, 9542]);
    expect(byName.name).toBe('"births"');
    expect(byName.columns).toEqual(["year", "month", "births"]);
    expect(Array.from(parseCsvColumn(births, { column: 1 }).values)).toEqual([1, 2, 3]);
  });

  test("without a header, every line is data; CRLF and a BOM are fine", () => {
    const column = parseCsvColumn("\uFEFF1.5,x\r\n-2e3,y\r\n", { header: false });
    expect(Array.from(column.values)).toEqual([1.5, -2000]);
    expect(column.name).toBe("0");
  });

  test("an unknown column lists the columns and suggests the closest", () => {
    expect(() =>
      parseCsvColumn(births, { column: "birth", source: "births.csv" }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: births.csv: expected a column named "birth", got columns "year", "month", "births"; did you mean "births"?]`,
    );
    expect(() => parseCsvColumn(births, { column: 5 })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: csv: expected column index 5 (0-based), got columns "year", "month", "births" on line 1]`,
    );
    expect(() =>
      parseCsvColumn("1,2\n", { column: "x", header: false }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: csv: column "x" is a name, but header is false; give the column's 0-based index]`,
    );
  });

  test("a non-numeric value names its line and column", () => {
    const text = "date,births\n1969-01-01,8486\n1969-01-02,n/a\n";
    expect(() =>
      parseCsvColumn(text, { column: "births", source: "births.csv" }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[ParseError: births.csv line 3, column "births": expected a number, got "n/a"]`,
    );
    try {
      parseCsvColumn(text, { column: "births" });
    } catch (error) {
      expect(error).toBeInstanceOf(ParseError);
      expect((error as ParseError).line).toBe(3);
      expect((error as ParseError).code).toBe("NOT_NUMERIC");
    }
    expect(() => parseCsvColumn("x\n\n", { column: "x" })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: csv: expected at least one data row, got none (3 lines read)]`,
    );
    expect(() => parseCsvColumn("a,b\n1\n", { column: "b" })).toThrowErrorMatchingInlineSnapshot(
      `[ParseError: csv line 2: expected at least 2 fields to read column "b", got 1]`,
    );
    expect(() => parseCsvColumn('a\n1,"2\n', { column: 0 })).toThrow(ParseError);
    expect(() => parseCsvColumn("a\n0x10\n")).toThrow(
      'csv line 2, column "a": expected a number, got "0x10"',
    );
    expect(() => parseCsvColumn("a\n\n1\n\n ")).not.toThrow();
  });

  test("the reader grows past its first buffer", () => {
    const reader = new CsvColumnReader({ header: false });
    for (let i = 0; i < 5000; i++) reader.push(String(i));
    const { values } = reader.finish();
    expect(values.length).toBe(5000);
    expect(values[4999]).toBe(4999);
  });
});
