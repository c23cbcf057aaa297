/**
 * Variable-length sequences in one rectangular batch: shorter sequences are
 * padded with `<pad>` (id 0), and a float32 mask marks the real tokens (1)
 * apart from the padding (0), so losses and the runner can ignore padding.
 * Time-major [time, batch] unless `batchFirst`.
 */
import { type Tensor, tensor } from "@recurrent/tensor";
import { check, checkInteger } from "./errors.js";

export interface PadOptions {
  /** The id to pad with. Default 0 (`<pad>`). */
  padId?: number;
  /** [batch, time] instead of [time, batch]. Default false. */
  batchFirst?: boolean;
  /** Cut sequences longer than this (keeping their start). Default: no limit. */
  maxLength?: number;
}

export interface PaddedSequences {
  /** int32 [time, batch], padded with `padId`. */
  readonly tokens: Tensor;
  /** float32 [time, batch]: 1 for a real token, 0 for padding. */
  readonly mask: Tensor;
  /** The real length of each sequence, [batch]. */
  readonly lengths: Int32Array;
}

export interface LanguageModelBatch {
  /** int32 [time, batch]: each sequence without its last token. */
  readonly inputs: Tensor;
  /** int32 [time, batch]: each sequence without its first token (inputs shifted by one). */
  readonly targets: Tensor;
  /** float32 [time, batch]: 1 where there is a real input/target pair. */
  readonly mask: Tensor;
  /** Pairs per sequence (its length − 1), [batch]. */
  readonly lengths: Int32Array;
}

/**
 * Pad sequences of ids into one batch.
 *
 * @example
 * const { tokens, mask, lengths } = padSequences([[5, 6, 7], [8]]);
 * tokens.toArray(); // [[5, 8], [6, 0], [7, 0]]
 * mask.toArray();   // [[1, 1], [1, 0], [1, 0]]
 * lengths;          // Int32Array [3, 1]
 */
export function padSequences(
  sequences: readonly ArrayLike<number>[],
  options: PadOptions = {},
): PaddedSequences {
  const where = "padSequences";
  checkCommon(where, sequences, options);
  const lengths = Int32Array.from(sequences, (s) =>
    Math.min(s.length, options.maxLength ?? s.length),
  );
  const { tokens, mask } = fill(sequences, lengths, 0, options);
  return { tokens, mask, lengths };
}

/**
 * A language-model batch: inputs are each sequence but its last token,
 * targets each sequence but its first, padded and masked.
 *
 * @example
 * const batch = languageModelBatch([[2, 5, 6, 3], [2, 7, 3]]); // <bos> … <eos>
 * batch.inputs.toArray();  // [[2, 2], [5, 7], [6, 0]]
 * batch.targets.toArray(); // [[5, 7], [6, 3], [3, 0]]
 */
export function languageModelBatch(
  sequences: readonly ArrayLike<number>[],
  options: PadOptions = {},
): LanguageModelBatch {
  const where = "languageModelBatch";
  checkCommon(where, sequences, options);
  sequences.forEach((sequence, i) => {
    check(
      sequence.length >= 2,
      "TOO_SHORT",
      () =>
        `${where}: expected every sequence to have at least 2 tokens (an input and its target), got ${sequence.length} in sequence ${i}; frame sequences with <bos> and <eos>`,
    );
  });
  const lengths = Int32Array.from(sequences, (s) =>
    Math.min(s.length - 1, options.maxLength ?? s.length),
  );
  const inputs = fill(sequences, lengths, 0, options);
  const targets = fill(sequences, lengths, 1, options);
  return { inputs: inputs.tokens, targets: targets.tokens, mask: inputs.mask, lengths };
}

function checkCommon(
  where: string,
  sequences: readonly ArrayLike<number>[],
  options: PadOptions,
): void {
  check(
    sequences.length > 0,
    "EMPTY_SOURCE",
    () => `${where}: expected at least one sequence, got none`,
  );
  if (options.maxLength !== undefined) checkInteger(where, "maxLength", options.maxLength, 1);
  if (options.padId !== undefined) checkInteger(where, "padId", options.padId, 0);
}

/** Write `lengths[b]` ids of sequence b, from index `shift`, into a padded [time, batch] grid. */
function fill(
  sequences: readonly ArrayLike<number>[],
  lengths: Int32Array,
  shift: number,
  options: PadOptions,
): { tokens: Tensor; mask: Tensor } {
  const rows = sequences.length;
  const steps = lengths.reduce((a, b) => Math.max(a, b), 0);
  const padId = options.padId ?? 0;
  const ids = new Int32Array(steps * rows).fill(padId);
  const mask = new Float32Array(steps * rows);
  for (let b = 0; b < rows; b++) {
    const sequence = sequences[b] as ArrayLike<number>;
    for (let t = 0; t < (lengths[b] as number); t++) {
      const at = options.batchFirst ? b * steps + t : t * rows + b;
      ids[at] = sequence[t + shift] as number;
      mask[at] = 1;
    }
  }
  const shape = options.batchFirst ? [rows, steps] : [steps, rows];
  return { tokens: tensor(ids, { shape }), mask: tensor(mask, { shape }) };
}
