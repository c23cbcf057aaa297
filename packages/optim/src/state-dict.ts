/**
 * Optimizer and schedule state as `{ tensors, json }`: every typed array in
 * the plain-data state becomes a tensor named by its path
 * (`state.w.expAvg`), and everything else (step counts, learning rates, the
 * structure itself) becomes JSON. That is exactly a section of
 * @recurrent/nn's `Checkpoint` (`checkpoint.add("optimizer",
 * optimizer.stateDict())`), so optimizer state lands in the same safetensors
 * file as the weights, and a load reproduces the state exactly:
 * arrays keep their dtype and bits, numbers go through JSON, which
 * round-trips every finite double, and ±Infinity and NaN are tagged.
 */
import { type Shape, type Tensor, tensor } from "@recurrent/tensor";
import { OptimError } from "./errors.js";
import type { FloatArray } from "./transform.js";

export type Json =
  | null
  | boolean
  | number
  | string
  | readonly Json[]
  | { readonly [key: string]: Json };

/**
 * Saved state: tensors by name, plus JSON describing everything else. The
 * shape of a @recurrent/nn `CheckpointSection`, so it goes into a checkpoint
 * as it is.
 */
export interface StateDict {
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly json: Json;
}

/**
 * What `loadStateDict` accepts: a `StateDict`, or a checkpoint section read
 * back (`{ tensors: ckpt.tensors("optimizer"), json: ckpt.json("optimizer") }`).
 */
export interface SavedState {
  readonly tensors?: Readonly<Record<string, Tensor>>;
  readonly json?: unknown;
}

type TypedArray = Float32Array | Float64Array | Int32Array;

/** Where an array sits, e.g. ["state", "w", "expAvg"] → the shape to save it with. */
export type ShapeHint = (path: readonly string[], length: number) => Shape | undefined;

/**
 * Encode plain data. Typed arrays are added to `tensors` under their
 * dot-joined path and replaced by `{ "$tensor": name }`; non-finite numbers
 * become `{ "$number": "Infinity" }` (JSON has no Infinity or NaN).
 */
export function encodeState(
  value: unknown,
  path: readonly string[],
  tensors: Record<string, Tensor>,
  shapeHint?: ShapeHint,
): Json {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    return Number.isFinite(value) ? value : { $number: String(value) };
  }
  if (ArrayBuffer.isView(value)) {
    const array = value as TypedArray;
    const name = path.join(".");
    if (name in tensors) {
      throw new OptimError("INVALID_STATE", `stateDict: two arrays would be saved as "${name}"`);
    }
    const shape = shapeHint?.(path, array.length) ?? [array.length];
    tensors[name] = tensor(array, { shape });
    return { $tensor: name };
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => encodeState(item, [...path, String(i)], tensors, shapeHint));
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, Json> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith("$")) {
        throw new OptimError(
          "INVALID_STATE",
          `stateDict: state keys may not start with "$", got "${key}"`,
        );
      }
      if (item !== undefined) out[key] = encodeState(item, [...path, key], tensors, shapeHint);
    }
    return out;
  }
  throw new OptimError(
    "INVALID_STATE",
    `stateDict: ${path.join(".")} is a ${typeof value}; state must be plain data (numbers, booleans, strings, null, typed arrays, arrays and plain objects)`,
  );
}

/**
 * Decode what `encodeState` wrote, copying each tensor's elements out. Every
 * problem (a missing tensor, a malformed tag) is pushed to `problems`; the
 * names of the tensors used are added to `used`.
 */
export function decodeState(
  json: unknown,
  tensors: Readonly<Record<string, Tensor>>,
  path: string,
  problems: string[],
  used: Set<string>,
): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) {
    return json.map((item, i) => decodeState(item, tensors, `${path}.${i}`, problems, used));
  }
  const record = json as Record<string, unknown>;
  if ("$tensor" in record) {
    const name = record.$tensor;
    const t = typeof name === "string" ? tensors[name] : undefined;
    if (t === undefined) {
      problems.push(`${path}: the tensor "${String(name)}" is missing`);
      return null;
    }
    used.add(name as string);
    return t.toTypedArray();
  }
  if ("$number" in record) {
    const n = Number(record.$number);
    if (record.$number !== "NaN" && Number.isNaN(n)) {
      problems.push(`${path}: "${String(record.$number)}" is not a number`);
    }
    return n;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    out[key] = decodeState(item, tensors, `${path}.${key}`, problems, used);
  }
  return out;
}

/** What `conformState` knows about the parameters, to check arrays that fresh state leaves null. */
export interface ParamInfo {
  readonly size: number;
  readonly float64: boolean;
}

/**
 * Check `loaded` against `fresh` (the state `init` makes for the current
 * parameters) and return it in fresh's types: same keys, arrays of the same
 * length (converted to fresh's dtype), numbers where numbers are. A null in
 * fresh (a buffer not made yet) accepts null or an array the size of the
 * enclosing parameter. Pushes every mismatch to `problems`.
 */
export function conformState(
  fresh: unknown,
  loaded: unknown,
  path: string,
  problems: string[],
  params: ReadonlyMap<string, ParamInfo>,
  param?: ParamInfo,
): unknown {
  if (ArrayBuffer.isView(fresh)) {
    const f = fresh as FloatArray;
    if (!ArrayBuffer.isView(loaded)) {
      problems.push(`${path}: expected an array of ${f.length}, got ${kind(loaded)}`);
      return fresh;
    }
    const l = loaded as TypedArray;
    if (l.length !== f.length) {
      problems.push(`${path}: expected ${f.length} elements, got ${l.length}`);
      return fresh;
    }
    return f instanceof Float64Array ? Float64Array.from(l) : Float32Array.from(l);
  }
  if (fresh === null) {
    if (loaded === null) return null;
    if (!ArrayBuffer.isView(loaded)) {
      problems.push(`${path}: expected null or an array, got ${kind(loaded)}`);
      return null;
    }
    const l = loaded as TypedArray;
    if (param === undefined) return l;
    if (l.length !== param.size) {
      problems.push(`${path}: expected ${param.size} elements, got ${l.length}`);
      return null;
    }
    return param.float64 ? Float64Array.from(l) : Float32Array.from(l);
  }
  if (typeof fresh !== "object") {
    if (typeof loaded !== typeof fresh) {
      problems.push(`${path}: expected a ${typeof fresh}, got ${kind(loaded)}`);
      return fresh;
    }
    return loaded;
  }
  if (Array.isArray(fresh)) {
    if (!Array.isArray(loaded) || loaded.length !== fresh.length) {
      problems.push(`${path}: expected a list of ${fresh.length}, got ${kind(loaded)}`);
      return fresh;
    }
    return fresh.map((f, i) => conformState(f, loaded[i], `${path}.${i}`, problems, params, param));
  }
  if (loaded === null || typeof loaded !== "object" || Array.isArray(loaded)) {
    problems.push(`${path}: expected an object, got ${kind(loaded)}`);
    return fresh;
  }
  const f = fresh as Record<string, unknown>;
  const l = loaded as Record<string, unknown>;
  const byParam = Object.keys(f).length > 0 && Object.keys(f).every((key) => params.has(key));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(f)) {
    if (!(key in l)) {
      problems.push(
        byParam
          ? `${path}: parameter "${key}" has no saved state`
          : `${path}.${key}: missing from the saved state`,
      );
      continue;
    }
    const info = byParam ? params.get(key) : param;
    out[key] = conformState(f[key], l[key], `${path}.${key}`, problems, params, info);
  }
  for (const key of Object.keys(l)) {
    if (!(key in f)) {
      problems.push(
        byParam
          ? `${path}: the saved state has parameter "${key}", which this optimizer does not`
          : `${path}.${key}: not part of this state`,
      );
    }
  }
  return out;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (ArrayBuffer.isView(value)) return `an array of ${(value as TypedArray).length}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Plain data (numbers, booleans, strings, null, arrays, plain objects) as
 * `Json`, checked; a value that JSON cannot hold throws INVALID_STATE naming
 * `where`. For a caller that builds a state's `json` from values typed
 * `unknown` (a config, parsed metadata).
 */
export function toJson(value: unknown, where: string): Json {
  const tensors: Record<string, Tensor> = {};
  const json = encodeState(value, [where], tensors);
  if (Object.keys(tensors).length > 0) {
    throw new OptimError("INVALID_STATE", `${where}: expected plain data, got an array of numbers`);
  }
  return json;
}

/** Saved `json` as a record, after checking its format tag; throws INVALID_STATE otherwise. */
export function readJson(where: string, json: unknown, format: string): Record<string, unknown> {
  const record = json as Record<string, unknown> | null;
  if (record === null || typeof record !== "object" || record.format !== format) {
    throw new OptimError(
      "INVALID_STATE",
      `${where}: expected state saved by ${format === FORMAT.optimizer ? "Optimizer" : "Scheduler"}.stateDict() (json.format "${format}"), got ${record === null || typeof record !== "object" ? String(record) : `json.format ${JSON.stringify(record.format)}`}`,
    );
  }
  return record;
}

export const FORMAT = {
  optimizer: "recurrent.optim.optimizer/1",
  schedule: "recurrent.optim.schedule/1",
} as const;
