/**
 * Sampling text from a language model, one token at a time: warm up on the
 * prefix, then draw each next token from softmax(logits / temperature),
 * restricted to the k most likely when top-k is set, or take the most
 * likely one (greedy). Draws come from an explicit seeded Generator, so a
 * sample is reproducible.
 */
import { type CellState, createRollout, type SequenceModel } from "@recurrent/cells";
import { reservedTokens } from "@recurrent/data";
import { type Generator, slice, tensor, tidy } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";
import { inference } from "./evaluate.js";
import type { TokenTask } from "./task.js";

export interface SampleOptions {
  readonly prefix: string;
  readonly length: number;
  readonly temperature: number;
  readonly topK: number | null;
  readonly greedy: boolean;
  readonly generator: Generator;
}

/** Ids below this are <pad>, <unk>, <bos>, <eos>; ordinary tokens follow by frequency. */
const reservedCount = reservedTokens.length;

/** Pick the next id from one row of logits. */
export function pickToken(
  logits: ArrayLike<number>,
  options: Pick<SampleOptions, "temperature" | "topK" | "greedy" | "generator">,
  banned: ReadonlySet<number> = new Set(),
): number {
  const ids = Array.from({ length: logits.length }, (_, i) => i).filter((i) => !banned.has(i));
  ids.sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
  if (options.greedy) return ids[0] as number;
  const kept = options.topK === null ? ids : ids.slice(0, options.topK);
  const top = logits[kept[0] as number] as number;
  const weights = kept.map((i) => Math.exp(((logits[i] as number) - top) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = options.generator.nextFloat() * total;
  for (let j = 0; j < kept.length; j++) {
    u -= weights[j] as number;
    if (u < 0) return kept[j] as number;
  }
  return kept[kept.length - 1] as number;
}

/** Prefix ids, framed as the task was trained: <bos> first for independent sequences. */
function prefixIds(task: TokenTask, prefix: string): Int32Array {
  if (task.source === "sequences") {
    const tokenizer = task.tokenizer;
    if (tokenizer === null) throw new Error("sequences without a tokenizer");
    return tokenizer.encode(prefix, { bos: true });
  }
  if (prefix !== "") return task.encode(prefix);
  // No prefix: start from the most frequent ordinary token (a space, in most texts).
  const first = task.tokenizer === null ? 0 : reservedCount;
  return Int32Array.of(Math.min(first, task.vocab - 1));
}

/**
 * Generate `length` tokens after `prefix`; returns the text (prefix
 * included, except the silent start token when there is no prefix). For
 * independent sequences (names) generation stops at <eos>.
 */
export function sampleText(model: SequenceModel, task: TokenTask, options: SampleOptions): string {
  const start = prefixIds(task, options.prefix);
  if (start.length === 0) {
    throw new TrainerError(
      "USAGE",
      `generate: the prefix ${JSON.stringify(options.prefix)} has no tokens the model knows`,
    );
  }
  const vocabulary = task.tokenizer?.vocabulary;
  const banned = new Set(
    vocabulary === undefined ? [] : [vocabulary.padId, vocabulary.unkId, vocabulary.bosId],
  );
  const stopAtEos = task.source === "sequences";
  const eos = vocabulary?.eosId ?? -1;
  if (!stopAtEos) banned.add(eos); // <eos> never ends a long text
  const out: number[] = Array.from(start);
  const rollout = createRollout(model, 1);
  if (rollout !== null) {
    // The one-step path derived from the cell (allocation-free per token).
    inference(model, () => {
      let logits = rollout.stepTokens([start[0] as number]);
      for (let i = 1; i < start.length; i++) logits = rollout.stepTokens([start[i] as number]);
      for (let i = 0; i < options.length; i++) {
        const id = pickToken(logits, options, banned);
        if (stopAtEos && id === eos) break;
        out.push(id);
        if (i < options.length - 1) logits = rollout.stepTokens([id]);
      }
    });
    rollout.dispose();
    const shown = options.prefix === "" && task.source !== "sequences" ? out.slice(1) : out;
    return task.decode(shown);
  }
  // A model the one-step path cannot serve (bidirectional): whole forward passes.
  inference(model, () => {
    let state: CellState | undefined;
    let input = tensor(start, { shape: [start.length, 1], dtype: "int32" });
    for (let i = 0; i < options.length; i++) {
      const { logits, next } = tidy(() => {
        const { output, state: after } = model.forward(input, state ? { state } : {});
        const t = output.shape[0] as number;
        return { logits: slice(output, [t - 1], [t]).toTypedArray(), next: after };
      });
      input.dispose();
      if (state !== undefined) for (const part of Object.values(state)) part.dispose();
      state = next;
      const id = pickToken(logits, options, banned);
      if (stopAtEos && id === eos) break;
      out.push(id);
      input = tensor(Int32Array.of(id), { shape: [1, 1], dtype: "int32" });
    }
    input.dispose();
    if (state !== undefined) for (const part of Object.values(state)) part.dispose();
  });
  const shown = options.prefix === "" && task.source !== "sequences" ? out.slice(1) : out;
  return task.decode(shown);
}
