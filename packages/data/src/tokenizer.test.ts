import { fc, test as prop } from "@fast-check/vitest";
import { describe, expect, test } from "vitest";
import { fitCharTokenizer, fitWordTokenizer, TokenizerFitter } from "./fit-tokenizer.js";
import { segment } from "./segment.js";
import { Tokenizer } from "./tokenizer.js";

describe("segment", () => {
  test("characters are code points, so emoji and astral characters stay whole", () => {
    expect(segment("char", "a😀é—", { lowercase: false, punctuation: "keep" })).toEqual([
      "a",
      "😀",
      "é",
      "—",
    ]);
  });

  test("words keep inner apostrophes and drop or keep punctuation", () => {
    const text = "Call me Ishmael. Don't—the whale’s jaw!";
    expect(segment("word", text, { lowercase: true, punctuation: "drop" })).toEqual([
      "call",
      "me",
      "ishmael",
      "don't",
      "the",
      "whale’s",
      "jaw",
    ]);
    expect(segment("word", text, { lowercase: false, punctuation: "keep" })).toEqual([
      "Call",
      "me",
      "Ishmael",
      ".",
      "Don't",
      "—",
      "the",
      "whale’s",
      "jaw",
      "!",
    ]);
  });

  test("words in other scripts are words", () => {
    expect(
      segment("word", "시퀀스 데이터, naïve café", { lowercase: true, punctuation: "drop" }),
    ).toEqual(["시퀀스", "데이터", "naïve", "café"]);
  });
});

describe("char tokenizer", () => {
  const tok = fitCharTokenizer("hello");

  test("ids follow frequency, after the reserved tokens", () => {
    expect(tok.vocabulary.toArray()).toEqual([
      "<pad>",
      "<unk>",
      "<bos>",
      "<eos>",
      "l",
      "e",
      "h",
      "o",
    ]);
    expect(Array.from(tok.encode("hell", { bos: true, eos: true }))).toEqual([2, 6, 5, 4, 4, 3]);
  });

  test("decode drops <pad>, <bos>, <eos> unless asked; <unk> is written", () => {
    const ids = tok.encode("hex", { bos: true, eos: true });
    expect(tok.decode(ids)).toBe("he<unk>");
    expect(tok.decode([0, ...ids], { keepReserved: true })).toBe("<pad><bos>he<unk><eos>");
  });

  test("strict mode names the token and where it is", () => {
    const strict = fitCharTokenizer("hello", { strict: true });
    expect(() => strict.encode("hé😀")).toThrowErrorMatchingInlineSnapshot(
      `[DataError: char tokenizer encode: expected tokens from the vocabulary (strict mode), got "é" (U+00E9) at token 1; fit the tokenizer on text that contains it, or pass strict: false to map it to <unk>]`,
    );
    expect(() => tok.encode("😀", { strict: true })).toThrow(/"😀" \(U\+1F600\) at token 0/);
    expect(Array.from(strict.encode("hé", { strict: false }))).toEqual([6, 1]);
  });

  test("lowercase folds case before counting", () => {
    const lower = fitCharTokenizer("AaB", { lowercase: true });
    expect(lower.vocabulary.toArray().slice(4)).toEqual(["a", "b"]);
    expect(lower.decode(lower.encode("BA"))).toBe("ba");
  });

  test("round-trips through JSON with the same ids", () => {
    const text = "Moby—Dick 🐋";
    const fitted = fitCharTokenizer(text, { strict: true });
    const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(fitted)));
    expect(Array.from(again.encode(text))).toEqual(Array.from(fitted.encode(text)));
    expect(again.settings).toEqual(fitted.settings);
  });

  test("an empty corpus is an error", () => {
    expect(() => fitCharTokenizer("")).toThrowErrorMatchingInlineSnapshot(
      `[DataError: fitCharTokenizer: expected a corpus with at least one token, got none]`,
    );
  });

  test("fromJSON rejects another format", () => {
    expect(() => Tokenizer.fromJSON({ format: "bpe" } as never)).toThrowErrorMatchingInlineSnapshot(
      `[DataError: Tokenizer.fromJSON: expected format "recurrent-tokenizer@1", got "bpe"]`,
    );
  });

  prop.prop([fc.string({ unit: "binary", maxLength: 40 })])(
    "decode(encode(text)) is the text, for any code points",
    (text) => {
      if (text.length === 0) return;
      const fitted = fitCharTokenizer(text);
      expect(fitted.decode(fitted.encode(text))).toBe(text);
      expect(fitted.encode(text).length).toBe(Array.from(text).length);
    },
  );
});

describe("word tokenizer", () => {
  test("minFrequency maps rare words to <unk>", () => {
    const tok = fitWordTokenizer("the whale, the sea", { minFrequency: 2 });
    expect(tok.vocabularySize).toBe(5);
    expect(Array.from(tok.encode("the whale"))).toEqual([4, 1]);
    expect(tok.decode(tok.encode("The sea"))).toBe("the <unk>");
  });

  test("a list of texts is one corpus; the fitter counts incrementally", () => {
    const fitter = new TokenizerFitter("word").add("a b").add("b c");
    expect(Object.fromEntries(fitter.counts)).toEqual({ a: 1, b: 2, c: 1 });
    expect(fitter.finish().vocabulary.toArray().slice(4)).toEqual(["b", "a", "c"]);
    expect(fitWordTokenizer(["a b", "b c"]).vocabulary.toArray()).toEqual(
      fitter.finish().vocabulary.toArray(),
    );
  });

  test("kept punctuation decodes with spaces between tokens", () => {
    const tok = fitWordTokenizer("Hello, world.", { punctuation: "keep" });
    expect(tok.decode(tok.encode("hello, world."))).toBe("hello , world .");
  });
});
