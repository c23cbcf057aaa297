/**
 * A vocabulary: the map between tokens and integer ids. Reserved tokens take
 * the first ids in a fixed order (`<pad>` is 0, so zero-filled padding is
 * padding); the rest are ordered by frequency, most frequent first, ties
 * broken by code point order, so the same corpus always gives the same ids.
 */
import { z } from "@recurrent/registry";
import { check, DataError } from "./errors.js";
import { parseOptions } from "./options.js";

/** The reserved tokens, in id order. */
export const PAD = "<pad>";
export const UNK = "<unk>";
export const BOS = "<bos>";
export const EOS = "<eos>";
export const reservedTokens = [PAD, UNK, BOS, EOS] as const;

/** Options of `Vocabulary.fromCounts`, declared once; the tokenizers' schemas extend it. */
export const vocabularySchema = z.object({
  minFrequency: z.number().min(0).default(1).describe("tokens rarer than this become <unk>"),
  maxSize: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("keep at most this many ordinary tokens, the most frequent (default: all)"),
});

export type VocabularyOptions = z.input<typeof vocabularySchema>;

/** The JSON form of a vocabulary: its tokens in id order (reserved first). */
export interface VocabularyJSON {
  readonly format: "recurrent-vocabulary@1";
  readonly tokens: readonly string[];
}

export class Vocabulary {
  readonly padId = 0;
  readonly unkId = 1;
  readonly bosId = 2;
  readonly eosId = 3;
  private readonly tokens: readonly string[];
  private readonly ids: Map<string, number>;

  /** @internal build with `Vocabulary.fromCounts`, `Vocabulary.fromTokens` or `Vocabulary.fromJSON`. */
  constructor(ordinary: readonly string[]) {
    this.tokens = [...reservedTokens, ...ordinary];
    this.ids = new Map(this.tokens.map((token, id) => [token, id]));
    check(
      this.ids.size === this.tokens.length,
      "INVALID_STATE",
      () =>
        `Vocabulary: tokens must be unique and must not repeat a reserved token, got ${this.tokens.length - this.ids.size} duplicates`,
    );
  }

  /**
   * A vocabulary from token counts.
   *
   * @example
   * const vocab = Vocabulary.fromCounts(new Map([["a", 3], ["b", 1]]), { minFrequency: 2 });
   * vocab.size; // 5: <pad> <unk> <bos> <eos> a
   */
  static fromCounts(
    counts: ReadonlyMap<string, number>,
    options: VocabularyOptions = {},
  ): Vocabulary {
    const { minFrequency, maxSize } = parseOptions("Vocabulary", vocabularySchema, options);
    const isReserved = (token: string) => (reservedTokens as readonly string[]).includes(token);
    const kept = [...counts]
      .filter(([token, count]) => count >= minFrequency && !isReserved(token))
      .sort(([a, ca], [b, cb]) => cb - ca || compareCodePoints(a, b))
      .map(([token]) => token);
    return new Vocabulary(kept.slice(0, maxSize));
  }

  /** A vocabulary with exactly these ordinary tokens, in this order, after the reserved ones. */
  static fromTokens(tokens: readonly string[]): Vocabulary {
    return new Vocabulary(tokens);
  }

  /** Rebuild from `toJSON()`; throws if the reserved tokens are not where they belong. */
  static fromJSON(json: VocabularyJSON): Vocabulary {
    check(
      json !== null && typeof json === "object" && json.format === "recurrent-vocabulary@1",
      "INVALID_STATE",
      () =>
        `Vocabulary.fromJSON: expected format "recurrent-vocabulary@1", got ${JSON.stringify((json as { format?: unknown } | null)?.format)}`,
    );
    check(
      Array.isArray(json.tokens) && json.tokens.every((t) => typeof t === "string"),
      "INVALID_STATE",
      () => "Vocabulary.fromJSON: expected tokens to be an array of strings",
    );
    const head = json.tokens.slice(0, reservedTokens.length);
    check(
      head.join("\u0000") === reservedTokens.join("\u0000"),
      "INVALID_STATE",
      () =>
        `Vocabulary.fromJSON: expected the first tokens to be ${reservedTokens.join(", ")}, got ${head.join(", ")}`,
    );
    return new Vocabulary(json.tokens.slice(reservedTokens.length));
  }

  /** Number of ids, reserved tokens included. */
  get size(): number {
    return this.tokens.length;
  }

  /** True for `<pad>`, `<unk>`, `<bos>` and `<eos>`. */
  isReserved(id: number): boolean {
    return id >= 0 && id < reservedTokens.length;
  }

  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** The id of `token`, or `<unk>`'s id when it is not in the vocabulary. */
  idOf(token: string): number {
    return this.ids.get(token) ?? this.unkId;
  }

  /** The token with id `id`; throws for an id outside 0..size-1. */
  tokenOf(id: number): string {
    const token = this.tokens[id];
    if (token === undefined) {
      throw new DataError(
        "UNKNOWN_TOKEN",
        `Vocabulary.tokenOf: id must be an integer in 0..${this.size - 1}, got ${id}`,
      );
    }
    return token;
  }

  /** Every token in id order. */
  toArray(): string[] {
    return [...this.tokens];
  }

  toJSON(): VocabularyJSON {
    return { format: "recurrent-vocabulary@1", tokens: [...this.tokens] };
  }
}

/** Order strings by code point (not by UTF-16 unit, which misorders astral characters). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return (x.done ? 0 : 1) - (y.done ? 0 : 1);
    const dx = x.value.codePointAt(0) as number;
    const dy = y.value.codePointAt(0) as number;
    if (dx !== dy) return dx - dy;
  }
}
