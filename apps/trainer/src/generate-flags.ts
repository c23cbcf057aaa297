/**
 * The flags of `recurrent generate`, checked before the model is loaded:
 * numbers must be whole where they count things, within sane bounds (a
 * million tokens is minutes of sampling, a billion is a hung terminal), and
 * a seed must be one the generator can take as it is (not silently
 * truncated: 1.7 and 1e30 are refused). A prefix must say something to the
 * model: not only characters it has not seen, and, for a run on token
 * ids, ids in its vocabulary.
 */
import { reservedTokens } from "@recurrent/data";
import { TrainerError } from "./errors.js";
import type { TokenTask } from "./task.js";

export const maxGenerateLength = 1_000_000;
export const maxGenerateCount = 1_000;

/** A whole number in [min, max], or the fallback when the flag is absent. */
export function wholeFlag(
  flag: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new TrainerError(
      "USAGE",
      `--${flag}: expected a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** The sampling generator's seed: a whole number from 0 to 2³² − 1. */
export function seedFlag(value: string | undefined): number {
  return wholeFlag("seed", value, 0, 0, 2 ** 32 - 1);
}

const unknownId = reservedTokens.indexOf("<unk>");

/**
 * Check `--prefix` against the run's task: ids in range for a token-stream
 * run, at least one known token for a text run (a note on stderr for the
 * unknown ones is the caller's).
 */
export function checkPrefix(task: TokenTask, prefix: string): { unknown: number } {
  if (prefix === "") return { unknown: 0 };
  if (task.source === "tokens") {
    const parts = prefix
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean);
    const bad = parts.find((p) => !/^\d+$/.test(p) || Number(p) >= task.vocab);
    if (parts.length === 0 || bad !== undefined) {
      throw new TrainerError(
        "USAGE",
        `--prefix: this run models token ids 0…${task.vocab - 1} (${task.dataset.name}), not text: give ids separated by spaces, e.g. --prefix "0 1"; got ${JSON.stringify(bad ?? prefix)}`,
      );
    }
    return { unknown: 0 };
  }
  const ids = Array.from(task.encode(prefix));
  const unknown = ids.filter((id) => id === unknownId).length;
  if (ids.length > 0 && unknown === ids.length) {
    throw new TrainerError(
      "USAGE",
      `--prefix ${JSON.stringify(prefix)}: none of its ${task.unit === "word" ? "words" : "characters"} is in the model's vocabulary of ${task.vocab} tokens, so the model would start from <unk> alone; use ${task.unit === "word" ? "words" : "characters"} from the training text`,
    );
  }
  return { unknown };
}
