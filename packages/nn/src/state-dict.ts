/**
 * Loading a state dict into a module, all or nothing. PyTorch's
 * `load_state_dict` is the model: missing and unexpected keys are errors
 * when strict, a size mismatch always is, and the error lists every problem
 * at once. Unlike a bare copy loop, nothing is written until everything has
 * been checked, so a failed load never leaves a half-loaded model behind.
 */
import type { Tensor } from "@recurrent/tensor";
import { StateDictError, type StateDictProblem } from "./errors.js";

export interface LoadStateDictOptions {
  /** Treat missing and unexpected keys as errors (default true). Mis-shaped keys always are. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  /** Keys the module has but the dict lacks (non-empty only when not strict). */
  readonly missingKeys: string[];
  /** Keys the dict has but the module lacks (non-empty only when not strict). */
  readonly unexpectedKeys: string[];
}

/** @internal check `dict` against `targets` (key → live tensor), then copy every value in place. */
export function loadInto(
  targets: readonly [string, Tensor][],
  dict: Readonly<Record<string, Tensor>>,
  options: LoadStateDictOptions,
  moduleName: string,
): LoadStateDictResult {
  const strict = options.strict ?? true;
  const expected = new Map(targets);
  const missingKeys: string[] = [];
  const unexpectedKeys = Object.keys(dict).filter((key) => !expected.has(key));
  const mismatches: StateDictProblem[] = [];
  for (const [key, target] of targets) {
    const source = dict[key];
    if (source === undefined || !Object.hasOwn(dict, key)) {
      missingKeys.push(key);
      continue;
    }
    if (!sameShape(source.shape, target.shape)) {
      mismatches.push({ kind: "shape", key, expected: target.shape, got: source.shape });
    } else if ((source.dtype === "int32") !== (target.dtype === "int32")) {
      mismatches.push({ kind: "dtype", key, expected: target.dtype, got: source.dtype });
    }
  }
  const problems: StateDictProblem[] = [];
  if (strict) {
    for (const key of missingKeys) {
      problems.push({ kind: "missing", key, expected: (expected.get(key) as Tensor).shape });
    }
    for (const key of unexpectedKeys) {
      problems.push({ kind: "unexpected", key, got: (dict[key] as Tensor).shape });
    }
  }
  problems.push(...mismatches);
  if (problems.length > 0) throw new StateDictError(problems, `${moduleName}.loadStateDict`);

  for (const [key, target] of targets) {
    const source = dict[key];
    if (source === undefined) continue;
    source.assertLive(`${moduleName}.loadStateDict`);
    const values = source.data();
    target.storage.array.set(values, target.offset);
  }
  return { missingKeys, unexpectedKeys };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
