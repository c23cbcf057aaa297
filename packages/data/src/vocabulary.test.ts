import { describe, expect, test } from "vitest";
import { DataError } from "./errors.js";
import { compareCodePoints, reservedTokens, Vocabulary } from "./vocabulary.js";

describe("Vocabulary", () => {
  const counts = new Map([
    ["b", 3],
    ["a", 3],
    ["c", 5],
    ["d", 1],
  ]);

  test("reserved tokens come first, then by frequency, ties by code point", () => {
    const vocab = Vocabulary.fromCounts(counts);
    expect(vocab.toArray()).toEqual(["<pad>", "<unk>", "<bos>", "<eos>", "c", "a", "b", "d"]);
    expect([vocab.padId, vocab.unkId, vocab.bosId, vocab.eosId]).toEqual([0, 1, 2, 3]);
    expect(vocab.size).toBe(8);
  });

  test("minFrequency and maxSize drop the rare tokens", () => {
    expect(Vocabulary.fromCounts(counts, { minFrequency: 3 }).toArray().slice(4)).toEqual([
      "c",
      "a",
      "b",
    ]);
    expect(Vocabulary.fromCounts(counts, { maxSize: 2 }).toArray().slice(4)).toEqual(["c", "a"]);
  });

  test("unknown tokens map to <unk>; ids outside the vocabulary throw", () => {
    const vocab = Vocabulary.fromCounts(counts);
    expect(vocab.idOf("z")).toBe(1);
    expect(vocab.tokenOf(4)).toBe("c");
    expect(() => vocab.tokenOf(8)).toThrowErrorMatchingInlineSnapshot(
      `[DataError: Vocabulary.tokenOf: id must be an integer in 0..7, got 8]`,
    );
  });

  test("a counted reserved token is not added twice", () => {
    const vocab = Vocabulary.fromCounts(
      new Map([
        ["<unk>", 9],
        ["x", 1],
      ]),
    );
    expect(vocab.toArray()).toEqual([...reservedTokens, "x"]);
  });

  test("round-trips through JSON", () => {
    const vocab = Vocabulary.fromCounts(counts);
    const again = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocab)));
    expect(again.toArray()).toEqual(vocab.toArray());
  });

  test("fromJSON rejects a vocabulary whose reserved tokens moved", () => {
    const bad = {
      format: "recurrent-vocabulary@1",
      tokens: ["<unk>", "<pad>", "<bos>", "<eos>", "a"],
    } as const;
    expect(() => Vocabulary.fromJSON(bad)).toThrowErrorMatchingInlineSnapshot(
      `[DataError: Vocabulary.fromJSON: expected the first tokens to be <pad>, <unk>, <bos>, <eos>, got <unk>, <pad>, <bos>, <eos>]`,
    );
    expect(() => Vocabulary.fromJSON({ tokens: [] } as never)).toThrow(DataError);
  });

  test("duplicate tokens are rejected", () => {
    expect(() => Vocabulary.fromTokens(["a", "a"])).toThrow(/1 duplicates/);
  });

  test("code point order puts astral characters after the BMP", () => {
    // By UTF-16 unit "😀" (D83D DE00) sorts before "￮" (FFEE); by code point after.
    expect(["😀", "￮"].sort(compareCodePoints)).toEqual(["￮", "😀"]);
    expect(compareCodePoints("ab", "a")).toBeGreaterThan(0);
    expect(compareCodePoints("a", "a")).toBe(0);
  });
});
