/**
 * A fitted tokenizer: a way to cut text (characters or words) plus the
 * vocabulary learnt from a corpus. It encodes text to int32 ids, decodes ids
 * back, and saves to and loads from JSON so a trained model keeps its ids.
 */
import { describeToken } from "./code-points.js";
import { check, DataError } from "./errors.js";
import { type SegmentOptions, segment, separatorOf, type TokenizerKind } from "./segment.js";
import { Vocabulary, type VocabularyJSON } from "./vocabulary.js";

export interface EncodeOptions {
  /** Put `<bos>` first. */
  bos?: boolean;
  /** Put `<eos>` last. */
  eos?: boolean;
  /** Override the tokenizer's strict setting for this call. */
  strict?: boolean;
}

export interface DecodeOptions {
  /** Keep `<pad>`, `<bos>` and `<eos>` in the output (by default they are dropped; `<unk>` is always written). */
  keepReserved?: boolean;
}

/** The JSON form of a tokenizer. */
export interface TokenizerJSON {
  readonly format: "recurrent-tokenizer@1";
  readonly kind: TokenizerKind;
  readonly lowercase: boolean;
  readonly punctuation: "drop" | "keep";
  readonly strict: boolean;
  readonly vocabulary: VocabularyJSON;
}

export interface TokenizerSettings extends SegmentOptions {
  /** Throw on a token outside the vocabulary instead of mapping it to `<unk>`. */
  readonly strict: boolean;
}

export class Tokenizer {
  /** @internal fit with `fitCharTokenizer`/`fitWordTokenizer`, or load with `Tokenizer.fromJSON`. */
  constructor(
    readonly kind: TokenizerKind,
    readonly vocabulary: Vocabulary,
    readonly settings: TokenizerSettings,
  ) {}

  /** Number of ids (the embedding or output size a model needs). */
  get vocabularySize(): number {
    return this.vocabulary.size;
  }

  /** The tokens of `text`, before lookup: `tokenize("ab") → ["a", "b"]`. */
  tokenize(text: string): string[] {
    return segment(this.kind, text, this.settings);
  }

  /**
   * Text to ids (int32).
   *
   * @example
   * const tok = fitCharTokenizer("hello");
   * tok.encode("hell", { bos: true }); // Int32Array [2, 6, 5, 4, 4]: <bos> h e l l (l is the most frequent)
   */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const tokens = this.tokenize(text);
    const extra = (options.bos ? 1 : 0) + (options.eos ? 1 : 0);
    const ids = new Int32Array(tokens.length + extra);
    let at = 0;
    if (options.bos) ids[at++] = this.vocabulary.bosId;
    const strict = options.strict ?? this.settings.strict;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as string;
      if (strict && !this.vocabulary.has(token)) {
        throw new DataError(
          "UNKNOWN_TOKEN",
          `${this.kind} tokenizer encode: expected tokens from the vocabulary (strict mode), got ${describeToken(token)} at token ${i}; fit the tokenizer on text that contains it, or pass strict: false to map it to <unk>`,
        );
      }
      ids[at++] = this.vocabulary.idOf(token);
    }
    if (options.eos) ids[at++] = this.vocabulary.eosId;
    return ids;
  }

  /**
   * Ids back to text; `<pad>`, `<bos>`, `<eos>` are dropped unless `keepReserved`.
   *
   * @example
   * tok.decode(tok.encode("hell")); // "hell"
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const { padId, bosId, eosId } = this.vocabulary;
    const parts: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (!options.keepReserved && (id === padId || id === bosId || id === eosId)) continue;
      parts.push(this.vocabulary.tokenOf(id));
    }
    return parts.join(separatorOf(this.kind));
  }

  toJSON(): TokenizerJSON {
    return {
      format: "recurrent-tokenizer@1",
      kind: this.kind,
      lowercase: this.settings.lowercase,
      punctuation: this.settings.punctuation,
      strict: this.settings.strict,
      vocabulary: this.vocabulary.toJSON(),
    };
  }

  /**
   * Load a tokenizer saved with `toJSON()` (after `JSON.parse`).
   *
   * @example
   * const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
   */
  static fromJSON(json: TokenizerJSON): Tokenizer {
    check(
      json !== null && typeof json === "object" && json.format === "recurrent-tokenizer@1",
      "INVALID_STATE",
      () =>
        `Tokenizer.fromJSON: expected format "recurrent-tokenizer@1", got ${JSON.stringify((json as { format?: unknown } | null)?.format)}`,
    );
    check(
      json.kind === "char" || json.kind === "word",
      "INVALID_STATE",
      () => `Tokenizer.fromJSON: expected kind "char" or "word", got ${JSON.stringify(json.kind)}`,
    );
    return new Tokenizer(json.kind, Vocabulary.fromJSON(json.vocabulary), {
      lowercase: json.lowercase === true,
      punctuation: json.punctuation === "keep" ? "keep" : "drop",
      strict: json.strict === true,
    });
  }
}
