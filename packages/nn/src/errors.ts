/**
 * Every error @recurrent/nn throws. Each carries a stable `code`, so the
 * trainer and tests branch on the kind of failure without parsing text, and a
 * message shaped `where: expected what, got what`, naming shapes in full.
 */
import type { Shape } from "@recurrent/tensor";

export type NnErrorCode =
  /** A tensor of the wrong shape reached a module or loss. */
  | "SHAPE"
  /** A tensor of the wrong dtype (int32 where floats are needed, or the reverse). */
  | "DTYPE"
  /** A bad number or option: p outside [0, 1), a negative size, an unknown mode. */
  | "ARGUMENT"
  /** Registering a parameter, buffer or sub-module under a bad or taken name. */
  | "REGISTRATION"
  /** `loadStateDict`: missing, unexpected or mis-shaped keys (all listed at once). */
  | "STATE_DICT"
  /** A safetensors file that is truncated or malformed, or a tensor that cannot be saved. */
  | "SAFETENSORS"
  /** `Checkpoint`: a missing section, a name clash, or metadata that is not JSON. */
  | "CHECKPOINT";

export class NnError extends Error {
  override readonly name: string = "NnError";
  constructor(
    readonly code: NnErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One thing wrong with a state dict, as `loadStateDict` found it. */
export type StateDictProblem =
  | { readonly kind: "missing"; readonly key: string; readonly expected: Shape }
  | { readonly kind: "unexpected"; readonly key: string; readonly got: Shape }
  | {
      readonly kind: "shape";
      readonly key: string;
      readonly expected: Shape;
      readonly got: Shape;
    }
  | {
      readonly kind: "dtype";
      readonly key: string;
      readonly expected: string;
      readonly got: string;
    };

/** `loadStateDict` refused a state dict; `problems` lists every key that is wrong. */
export class StateDictError extends NnError {
  override readonly name = "StateDictError";
  constructor(
    readonly problems: readonly StateDictProblem[],
    where = "loadStateDict",
  ) {
    super("STATE_DICT", formatProblems(where, problems));
  }
}

/** A safetensors file that cannot be read, or tensors that cannot be written. */
export class SafetensorsError extends NnError {
  override readonly name = "SafetensorsError";
  constructor(message: string) {
    super("SAFETENSORS", message);
  }
}

/** `[2,3]`: shapes are printed without spaces, as everywhere in recurrent. */
export function fmt(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/** Throw `new NnError(code, message())` unless `condition`; the message is built only on failure. */
export function check(
  condition: boolean,
  code: NnErrorCode,
  message: () => string,
): asserts condition {
  if (!condition) throw new NnError(code, message());
}

function formatProblems(where: string, problems: readonly StateDictProblem[]): string {
  const lines = problems.map((p) => {
    switch (p.kind) {
      case "missing":
        return `  - missing key "${p.key}" (expected ${fmt(p.expected)})`;
      case "unexpected":
        return `  - unexpected key "${p.key}" (${fmt(p.got)})`;
      case "shape":
        return `  - size mismatch for "${p.key}": expected ${fmt(p.expected)}, got ${fmt(p.got)}`;
      default:
        return `  - dtype mismatch for "${p.key}": expected ${p.expected}, got ${p.got}`;
    }
  });
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `${where}: the state dict does not fit the module (${count}):\n${lines.join("\n")}`;
}
