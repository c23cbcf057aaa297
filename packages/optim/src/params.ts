/**
 * What an optimizer or a clipping function accepts as "the parameters", and
 * how tensors become the flat arrays the pure cores read. Parameters are
 * named (`module.namedParameters()` gives `[name, tensor]` pairs) because
 * the state is keyed by name: that is what makes a saved state mean the same
 * thing after a restart.
 */
import type { Tensor } from "@recurrent/tensor";
import { OptimError } from "./errors.js";
import type { FloatArray } from "./transform.js";

/**
 * Parameters, named or not: `[name, tensor]` pairs (from
 * `module.namedParameters()`), a Map or a record of tensors, or plain tensors
 * (named "0", "1", … by position), or a single tensor.
 */
export type ParamsInput =
  | Tensor
  | Iterable<Tensor | readonly [string, Tensor]>
  | ReadonlyMap<string, Tensor>
  | Readonly<Record<string, Tensor>>;

function isTensor(value: unknown): value is Tensor {
  return typeof value === "object" && value !== null && (value as Tensor).isTensor === true;
}

/** `input` as `[name, tensor]` pairs, in order. */
export function toNamedTensors(where: string, input: ParamsInput): [string, Tensor][] {
  if (isTensor(input)) return [["0", input]];
  if (input instanceof Map) return [...(input as ReadonlyMap<string, Tensor>).entries()];
  const pairs: [string, Tensor][] = [];
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === "function") {
    let index = 0;
    for (const item of input as Iterable<unknown>) {
      if (isTensor(item)) pairs.push([String(index), item]);
      else if (Array.isArray(item) && typeof item[0] === "string" && isTensor(item[1])) {
        pairs.push([item[0], item[1]]);
      } else {
        throw new OptimError(
          "INVALID_PARAMETERS",
          `${where}: parameter ${index} must be a tensor or a [name, tensor] pair, got ${describe(item)}`,
        );
      }
      index++;
    }
    return pairs;
  }
  for (const [name, t] of Object.entries(input as Record<string, unknown>)) {
    if (!isTensor(t)) {
      throw new OptimError(
        "INVALID_PARAMETERS",
        `${where}: parameter "${name}" must be a tensor, got ${describe(t)}`,
      );
    }
    pairs.push([name, t]);
  }
  return pairs;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? "null" : typeof value;
}

/**
 * The live elements of a contiguous float tensor (a view of its storage, so
 * writes update the tensor). Read it right before use: on the wasm backend a
 * later allocation may move the memory.
 */
export function liveArray(t: Tensor): FloatArray {
  return t.data() as FloatArray;
}
