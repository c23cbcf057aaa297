/**
 * A Markov chain over states 0 … K−1 with a given transition matrix
 * P[i][j] = p(x_t = j | x_{t−1} = i). Counting the transitions of a long
 * sample recovers P, so the `markov` cell's fit can be checked against it.
 */
import { check, checkInteger } from "../errors.js";
import { generatorFor } from "../seed.js";

export interface MarkovChainOptions {
  /** K×K, each row non-negative and summing to 1. */
  transition: readonly (readonly number[])[];
  /** Distribution of the first state. Default uniform. */
  initial?: readonly number[] | undefined;
  /** Number of states drawn. Default 1000. */
  length?: number;
  /** Default 0. */
  seed?: number;
}

/**
 * Sample a state sequence (int32, usable as token ids).
 *
 * @example
 * const states = markovChain({ transition: [[0.9, 0.1], [0.5, 0.5]], length: 100, seed: 2 });
 */
export function markovChain(options: MarkovChainOptions): Int32Array {
  const where = "markovChain";
  const { transition } = options;
  const k = transition.length;
  const length = options.length ?? 1000;
  checkInteger(where, "length", length, 1);
  check(k > 0, "INVALID_ARGUMENT", () => `${where}: expected a K×K transition matrix, got no rows`);
  transition.forEach((row, i) => {
    checkDistribution(where, `transition row ${i}`, row, k);
  });
  const initial = options.initial ?? new Array<number>(k).fill(1 / k);
  checkDistribution(where, "initial", initial, k);
  const random = generatorFor(options.seed ?? 0);
  const states = new Int32Array(length);
  let state = draw(initial, random.nextFloat());
  states[0] = state;
  for (let t = 1; t < length; t++) {
    state = draw(transition[state] as readonly number[], random.nextFloat());
    states[t] = state;
  }
  return states;
}

function checkDistribution(where: string, name: string, row: readonly number[], k: number): void {
  check(
    row.length === k,
    "INVALID_ARGUMENT",
    () => `${where}: ${name} must have ${k} entries, got ${row.length}`,
  );
  const sum = row.reduce((a, b) => a + b, 0);
  check(
    row.every((p) => Number.isFinite(p) && p >= 0) && Math.abs(sum - 1) < 1e-6,
    "INVALID_ARGUMENT",
    () =>
      `${where}: ${name} must be probabilities >= 0 summing to 1, got [${row.join(", ")}] (sum ${sum})`,
  );
}

/** The index where the cumulative sum of `p` first exceeds `u`. */
function draw(p: readonly number[], u: number): number {
  let acc = 0;
  for (let j = 0; j < p.length; j++) {
    acc += p[j] as number;
    if (u < acc) return j;
  }
  let last = p.length - 1;
  while (last > 0 && p[last] === 0) last--;
  return last;
}
