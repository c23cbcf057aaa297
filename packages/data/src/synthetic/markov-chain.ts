/**
 * A Markov chain over states 0 … K−1 with a given transition matrix
 * P[i][j] = p(x_t = j | x_{t−1} = i). Counting the transitions of a long
 * sample recovers P, so the `markov` cell's fit can be checked against it.
 */
import { z } from "@recurrent/registry";
import { parseOptions } from "../options.js";
import { generatorFor, seedOption } from "../seed.js";

type Distribution = readonly number[];

/** The rules that tie the options together: K×K distributions, and an initial one of K. */
export const markovChainRules = z.superRefine<{
  transition: readonly Distribution[];
  initial?: Distribution | undefined;
}>(({ transition, initial }, ctx) => {
  const k = transition.length;
  const report = (path: (string | number)[], name: string, rule: string, got: string) => {
    const message = `must ${rule}, got ${got}`;
    ctx.addIssue({
      code: "custom",
      path,
      message,
      params: { plain: `${name} ${message}`, verbatim: true },
    });
  };
  if (k === 0) report(["transition"], "transition", "be a K×K matrix", "no rows");
  const checkRow = (path: (string | number)[], name: string, row: Distribution) => {
    const sum = row.reduce((a, b) => a + b, 0);
    if (row.length !== k) report(path, name, `have ${k} entries`, `${row.length}`);
    else if (!row.every((p) => p >= 0) || Math.abs(sum - 1) >= 1e-6) {
      report(path, name, "be probabilities >= 0 summing to 1", `[${row.join(", ")}] (sum ${sum})`);
    }
  };
  transition.forEach((row, i) => {
    checkRow(["transition", i], `transition row ${i}`, row);
  });
  if (initial !== undefined) checkRow(["initial"], "initial", initial);
});

const distribution = z.array(z.number()).readonly();

/**
 * Options of `markovChain`, declared once; the `markov-chain` dataset entry
 * has the same fields and rules, with defaults of its own for a config.
 */
export const markovChainSchema = z
  .object({
    transition: z
      .array(distribution)
      .readonly()
      .describe("K×K: row i the distribution of the state after state i"),
    initial: distribution
      .optional()
      .describe("distribution of the first state (uniform if left out)"),
    length: z.number().int().min(1).describe("number of states drawn").default(1000),
    seed: seedOption,
  })
  .check(markovChainRules);

export type MarkovChainOptions = z.input<typeof markovChainSchema>;

/**
 * Sample a state sequence (int32, usable as token ids).
 *
 * @example
 * const states = markovChain({ transition: [[0.9, 0.1], [0.5, 0.5]], length: 100, seed: 2 });
 */
export function markovChain(options: MarkovChainOptions): Int32Array {
  const { transition, initial, length, seed } = parseOptions(
    "markovChain",
    markovChainSchema,
    options,
  );
  const k = transition.length;
  const random = generatorFor(seed);
  const states = new Int32Array(length);
  let state = draw(initial ?? new Array<number>(k).fill(1 / k), random.nextFloat());
  states[0] = state;
  for (let t = 1; t < length; t++) {
    state = draw(transition[state] as readonly number[], random.nextFloat());
    states[t] = state;
  }
  return states;
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
