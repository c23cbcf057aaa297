/**
 * `chain`: run transforms one after another, each taking the previous one's
 * updates as its gradients, as optax.chain does. Clipping followed by Adam,
 * or a custom scaling after SGD, is then one transform with one state that
 * the Optimizer shell drives and saves like any other.
 */
import { unknownOption } from "@recurrent/registry";
import { problemsError } from "./errors.js";
import type { NamedArrays, Transform, UpdateResult } from "./transform.js";

// biome-ignore lint/suspicious/noExplicitAny: any transform, whatever its state and hyper-parameters
export type AnyTransform = Transform<any, any>;

type StateOf<T> = T extends Transform<infer S, infer _> ? S : never;
type HyperOf<T> = T extends Transform<infer _, infer H> ? H : never;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (
  x: infer I,
) => void
  ? I
  : never;

/** The state of a chain: its members' states, in order. */
export type ChainState<T extends readonly AnyTransform[]> = {
  -readonly [K in keyof T]: StateOf<T[K]>;
};

/** The hyper-parameters of a chain: all of its members', merged. */
export type ChainHyper<T extends readonly AnyTransform[]> = UnionToIntersection<
  HyperOf<T[number]>
> &
  object;

/**
 * The members' states, in order, as the chain's state. Cast: TypeScript
 * cannot carry a mapped tuple type (member i's state) through `Array.map`.
 */
function chainState<T extends readonly AnyTransform[]>(states: unknown[]): ChainState<T> {
  return states as unknown as ChainState<T>;
}

/**
 * Compose transforms. The chain's hyper-parameters are its members' merged;
 * an override (say `{ lr: 0.01 }` from a schedule) goes to every member that
 * has that option.
 *
 * @example
 * const tx = chain(clipByGlobalNorm({ maxNorm: 1 }), adam({ lr: 1e-3 }));
 * const optimizer = new Optimizer(model.namedParameters(), tx);
 * optimizer.lr = 5e-4; // reaches adam
 */
export function chain<const T extends readonly [AnyTransform, ...AnyTransform[]]>(
  ...transforms: T
): Transform<ChainState<T>, ChainHyper<T>> {
  const name = `chain(${transforms.map((t) => t.name).join(", ")})`;
  const hyper = Object.freeze(
    Object.assign({}, ...transforms.map((t) => t.hyper)),
  ) as ChainHyper<T>;
  const keysOf = transforms.map((t) => Object.keys(t.hyper));

  /** The overrides each member understands; unknown keys are an error. */
  const split = (overrides: object | undefined): (Record<string, unknown> | undefined)[] => {
    if (overrides === undefined) return transforms.map(() => undefined);
    const entries = Object.entries(overrides).filter(([, v]) => v !== undefined);
    const known = Object.keys(hyper);
    const unknown = entries.filter(([key]) => !known.includes(key)).map(([key]) => key);
    if (unknown.length > 0) {
      throw problemsError(
        "INVALID_HYPERPARAMETER",
        name,
        "invalid hyper-parameters",
        unknown.map((key) => unknownOption(key, known)),
      );
    }
    return keysOf.map((keys) => {
      const own = entries.filter(([key]) => keys.includes(key));
      return own.length === 0 ? undefined : Object.fromEntries(own);
    });
  };

  const run = (
    grads: NamedArrays,
    state: ChainState<T>,
    params: NamedArrays,
    overrides: Partial<ChainHyper<T>> | undefined,
    inPlace: boolean,
  ): UpdateResult<ChainState<T>> => {
    const parts = split(overrides);
    const states: readonly unknown[] = state;
    const next: unknown[] = [];
    let current = grads;
    transforms.forEach((t, i) => {
      const fn = inPlace && t.updateInPlace !== undefined ? t.updateInPlace : t.update;
      const result = fn.call(t, current, states[i], params, parts[i]);
      current = result.updates;
      next.push(result.state);
    });
    return { updates: current, state: chainState<T>(next) };
  };

  return {
    name,
    hyper,
    resolve(overrides) {
      const parts = split(overrides);
      return Object.freeze(
        Object.assign({}, ...transforms.map((t, i) => t.resolve(parts[i]))),
      ) as ChainHyper<T>;
    },
    init: (params) => chainState<T>(transforms.map((t) => t.init(params))),
    update: (grads, state, params, overrides) => run(grads, state, params, overrides, false),
    updateInPlace: (grads, state, params, overrides) => run(grads, state, params, overrides, true),
  };
}
