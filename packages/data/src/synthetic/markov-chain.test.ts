import { describe, expect, test } from "vitest";
import { markovChain } from "./markov-chain.js";

describe("markovChain", () => {
  test("counting transitions recovers the transition matrix", () => {
    const transition = [
      [0.8, 0.1, 0.1],
      [0.2, 0.6, 0.2],
      [0.3, 0.3, 0.4],
    ];
    const states = markovChain({ transition, length: 60000, seed: 5 });
    const counts = transition.map(() => [0, 0, 0]);
    for (let t = 1; t < states.length; t++) {
      const row = counts[states[t - 1] as number] as number[];
      row[states[t] as number] = (row[states[t] as number] as number) + 1;
    }
    counts.forEach((row, i) => {
      const total = row.reduce((a, b) => a + b, 0);
      row.forEach((count, j) => {
        expect(Math.abs(count / total - (transition[i]?.[j] as number))).toBeLessThan(0.015);
      });
    });
  });

  test("zero-probability transitions never happen; the first state follows initial", () => {
    const states = markovChain({
      transition: [
        [0, 1],
        [1, 0],
      ],
      initial: [0, 1],
      length: 6,
    });
    expect(Array.from(states)).toEqual([1, 0, 1, 0, 1, 0]);
  });

  test("a row that is not a distribution is an error", () => {
    expect(() =>
      markovChain({
        transition: [
          [0.5, 0.4],
          [0, 1],
        ],
      }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DataError: markovChain: transition row 0 must be probabilities >= 0 summing to 1, got [0.5, 0.4] (sum 0.9)]`,
    );
    expect(() => markovChain({ transition: [[1, 0]] })).toThrowErrorMatchingInlineSnapshot(
      `[DataError: markovChain: transition row 0 must have 1 entries, got 2]`,
    );
  });
});
