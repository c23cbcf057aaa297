/**
 * Deterministic freeing of tensor memory.
 *
 * WebAssembly linear memory is invisible to the garbage collector, and a
 * FinalizationRegistry callback never runs inside a synchronous training
 * loop. So, as in TensorFlow.js, every tensor made inside `tidy(fn)` is
 * disposed when `fn` returns, except what `fn` returns and what was passed
 * to `keep`. The garbage collector remains a backstop for anything made
 * outside a scope.
 */
import type { Tensor } from "./tensor.js";

const scopes: Set<Tensor>[] = [];

/** @internal called by every new tensor. */
export function track(tensor: Tensor): void {
  scopes[scopes.length - 1]?.add(tensor);
}

/**
 * Run `fn` and dispose every tensor it created that is not part of its
 * result (a tensor, or arrays and plain objects holding tensors) and was not
 * kept. Returned tensors move to the enclosing scope.
 *
 * @example
 * const loss = tidy(() => {
 *   const logits = matMul(x, w); // disposed when tidy returns
 *   return crossEntropy(logits, y); // kept
 * });
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T | undefined;
  try {
    result = fn();
    return result;
  } finally {
    scopes.pop();
    const survivors = new Set<Tensor>();
    collectTensors(result, survivors);
    for (const tensor of scope) {
      if (survivors.has(tensor)) track(tensor);
      else tensor.dispose();
    }
  }
}

/** Exempt `tensor` from the scopes it was made in: it lives until disposed or collected. */
export function keep<T extends Tensor>(tensor: T): T {
  for (const scope of scopes) scope.delete(tensor);
  return tensor;
}

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (value === null || typeof value !== "object" || depth > 8) return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectTensors(item, into, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const item of value.values()) collectTensors(item, into, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const item of Object.values(value)) collectTensors(item, into, depth + 1);
  }
}

function isTensor(value: object): value is Tensor {
  return (value as { isTensor?: unknown }).isTensor === true;
}
