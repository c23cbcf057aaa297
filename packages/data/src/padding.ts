/**
 * Variable-length sequences in one rectangular batch: shorter sequences are
 * padded with `<pad>` (id 0), and a float32 mask marks the real tokens (1)
 * apart from the padding (0), so losses and the runner can ignore padding.
 * Time-major [time, batch] unless `batchFirst`.
 */
import { z } from "@recurrent/registry";
import { type Tensor, tensor } from "@recurrent/tensor";
import { check } from "./errors.js";
import { parseOptions } from "./options.js";

/**
 * Options of `padSequences` and `languageModelBatch`, declared once;
 * `sequenceBatches` extends them.
 */
export const padSchema = z.object({
  padId: z.number().int().min(0).default(0).describe("the id to pad with (<pad> is 0)"),
  batchFirst: z.boolean().default(false).describe("[batch, time] instead of [time, batch]"),
  maxLength: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("cut sequences longer than this, keeping their start (default: no limit)"),
});

export type PadOptions = z.input<typeof padSchema>;
type PadSettings = z.output<typeof padSchema>;

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
  checkNotEmpty(where, sequences);
  const settings = parseOptions(where, padSchema, options);
  const lengths = Int32Array.from(sequences, (s) =>
    Math.min(s.length, settings.maxLength ?? s.length),
  );
  const { tokens, mask } = fill(sequences, lengths, 0, settings);
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
  checkFramed(where, sequences);
  return framedBatch(sequences, parseOptions(where, padSchema, options));
}

/** Check that there are sequences, each with an input and a target (`sequenceBatches` too). */
export function checkFramed(where: string, sequences: readonly ArrayLike<number>[]): void {
  checkNotEmpty(where, sequences);
  sequences.forEach((sequence, i) => {
    check(
      sequence.length >= 2,
      "TOO_SHORT",
      () =>
        `${where}: expected every sequence to have at least 2 tokens (an input and its target), got ${sequence.length} in sequence ${i}; frame sequences with <bos> and <eos>`,
    );
  });
}

function checkNotEmpty(where: string, sequences: readonly ArrayLike<number>[]): void {
  check(
    sequences.length > 0,
    "EMPTY_SOURCE",
    () => `${where}: expected at least one sequence, got none`,
  );
}

/** `languageModelBatch` of sequences and options already checked. */
export function framedBatch(
  sequences: readonly ArrayLike<number>[],
  settings: PadSettings,
): LanguageModelBatch {
  const lengths = Int32Array.from(sequences, (s) =>
    Math.min(s.length - 1, settings.maxLength ?? s.length),
  );
  const inputs = fill(sequences, lengths, 0, settings);
  const targets = fill(sequences, lengths, 1, settings);
  return { inputs: inputs.tokens, targets: targets.tokens, mask: inputs.mask, lengths };
}

/** Write `lengths[b]` ids of sequence b, from index `shift`, into a padded [time, batch] grid. */
function fill(
  sequences: readonly ArrayLike<number>[],
  lengths: Int32Array,
  shift: number,
  { padId, batchFirst }: PadSettings,
): { tokens: Tensor; mask: Tensor } {
  const rows = sequences.length;
  const steps = lengths.reduce((a, b) => Math.max(a, b), 0);
  const ids = new Int32Array(steps * rows).fill(padId);
  const mask = new Float32Array(steps * rows);
  for (let b = 0; b < rows; b++) {
    const sequence = sequences[b] as ArrayLike<number>;
    for (let t = 0; t < (lengths[b] as number); t++) {
      const at = batchFirst ? b * steps + t : t * rows + b;
      ids[at] = sequence[t + shift] as number;
      mask[at] = 1;
    }
  }
  const shape = batchFirst ? [rows, steps] : [steps, rows];
  return { tokens: tensor(ids, { shape }), mask: tensor(mask, { shape }) };
}
