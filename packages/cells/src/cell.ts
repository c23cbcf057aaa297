/**
 * The cell contract: what a plugin author writes to add a recurrent model.
 *
 * A cell is declared, not subclassed. `defineCell` takes a namespaced name,
 * a zod schema of its config (defaults included), the shapes and
 * initialisers of its parameters, the shapes of its state, and one pure
 * step:
 *
 *     step(x_t: [batch, input], state, params, config) → { output: [batch, out], state }
 *
 * `params` and `state` reach the step typed by the names the definition
 * gives them, so a step needs no casts. The framework allocates,
 * initialises and names the parameters (`weight_ih_l0`, PyTorch-style), and
 * the runner does the rest: the time loop, truncation, masks, stacked layers
 * and directions. A cell may also offer a fused whole-sequence path for
 * speed; tests hold it equal to the step path. What a trainer needs to know
 * about the cell (what `hidden` sizes, its preferred input, …) it declares
 * as `capabilities` (capabilities.ts), never by its name.
 *
 * The result of `defineCell` is a registry entry (kind `cell`), so a plugin
 * lists it in `definePlugin({ entries: [...] })` like anything else.
 */

import type { Initializer } from "@recurrent/nn";
import { type CreateContext, type Entry, parseEntryConfig, type z } from "@recurrent/registry";
import type { Shape, Tensor } from "@recurrent/tensor";
import type { CellCapabilitiesSpec } from "./capabilities.js";

/** A cell's state: named tensors, each [batch, ...]; the names come from the cell's `state`. */
export type CellState<TPart extends string = string> = Record<TPart, Tensor>;

/** A cell's parameters as `step` receives them, named as its `params` names them. */
export type CellParams<TParam extends string = string> = Record<TParam, Tensor>;

/** The sizes every cell knows besides its own config. */
export interface CellContext {
  /** Features per step of the input. */
  readonly input: number;
}

export interface ParamSpec {
  readonly shape: Shape;
  /** How to fill it; PyTorch's recurrent default U(−1/√hidden, 1/√hidden) when left out. */
  readonly init?: Initializer;
}

/** Everything the runner needs to run a fused whole-sequence path. */
export interface FusedRequest<
  TConfig,
  TParam extends string = string,
  TPart extends string = string,
> {
  /** [T, B, input], time-major, contiguous; or int32 ids [T, B] if the definition takes `tokenIds`. */
  readonly x: Tensor;
  readonly state: CellState<TPart>;
  readonly params: CellParams<TParam>;
  readonly config: TConfig;
  /** [T, B] 1/0, or null. */
  readonly mask: Tensor | null;
  readonly reverse: boolean;
}

export interface FusedResult<TPart extends string = string> {
  /** [T, B, out]. */
  readonly outputs: Tensor;
  readonly state: CellState<TPart>;
}

/** A zod schema of a cell's options (an object, defaults included). */
export type CellSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

/** The config a cell's functions receive: its parsed options plus the input size. */
export type CellConfig<TSchema extends CellSchema> = z.output<TSchema> & CellContext;

/**
 * What `defineCell` takes. `TParam` and `TPart` are inferred from the keys
 * that `params` and `state` return, so `step` receives `params.weight_hh`
 * and `state.h` as `Tensor`, with no casts, and a misspelt name fails to
 * compile.
 */
export interface CellSpec<
  TName extends string,
  TSchema extends CellSchema,
  TParam extends string,
  TPart extends string,
> {
  /** Namespaced for plugins (`acme/peephole-lstm`); built-ins are plain (`lstm`). */
  readonly name: TName;
  readonly description: string;
  /** Config schema with defaults; `recurrent list` prints it. */
  readonly schema: TSchema;
  /**
   * Parameter shapes (and initialisers) for an input of `input` features. A
   * parameter that an option leaves out (`bias: false`) is simply absent, so
   * the keys may be optional; `step` then finds it `undefined`.
   */
  params(config: CellConfig<TSchema>): { [K in TParam]?: ParamSpec | Shape };
  /** Shapes of the state parts for a batch (zeros are the initial state). */
  state(config: CellConfig<TSchema> & { readonly batch: number }): Record<TPart, Shape>;
  /** Output features per step. */
  outputSize(config: CellConfig<TSchema>): number;
  /** One time step; pure: returns new tensors, never writes its inputs. */
  step(
    x: Tensor,
    state: CellState<TPart>,
    params: CellParams<TParam>,
    config: CellConfig<TSchema>,
  ): { output: Tensor; state: CellState<TPart> };
  /** Optional fused path over a whole sequence; `null` where it cannot serve (e.g. an option it lacks). */
  fused?(request: FusedRequest<CellConfig<TSchema>, TParam, TPart>): FusedResult<TPart> | null;
  /**
   * Whether `fused` also takes int32 token ids [T, B] as `x`, standing for
   * one-hot rows of `config.input` (else the runner gives it the one-hot rows).
   */
  readonly tokenIds?: boolean;
  /**
   * What the trainer needs to know about the cell, so it never tests a
   * name (see capabilities.ts; every field has a default).
   */
  readonly capabilities?: CellCapabilitiesSpec<NoInfer<TParam>>;
}

/** A configured cell: a definition and its parsed config, what the runner runs. */
export interface Cell<TConfig = Record<string, unknown>> {
  readonly definition: CellDefinition;
  readonly config: TConfig;
}

/**
 * A defined cell. With no type arguments it stands for any cell: its schema
 * defaults to `any` so that every concrete definition (whose functions take
 * its own narrower config) is assignable to it.
 */
export type CellDefinition<
  TName extends string = string,
  // biome-ignore lint/suspicious/noExplicitAny: the widest schema, see above
  TSchema extends CellSchema = any,
  TParam extends string = string,
  TPart extends string = string,
> = CellSpec<TName, TSchema, TParam, TPart> &
  Omit<Entry<"cell", TName, TSchema, Cell<z.output<TSchema>>>, "create"> & {
    /**
     * The registry's factory (it passes the parsed config). Typed with a wide
     * parameter on purpose: as an intersection with CellSpec this type is
     * compared to `Entry` structurally, where a narrower parameter would fail
     * (function parameters are contravariant) and leave `registry.create`
     * untyped.
     */
    readonly create: (
      config: Record<string, unknown>,
      context?: CreateContext,
    ) => Cell<z.output<TSchema>>;
  };

/**
 * Declare a cell.
 *
 * @example
 * export const minimal = defineCell({
 *   name: "acme/minimal",
 *   description: "h_t = tanh(W x_t + U h_{t−1})",
 *   schema: z.object({ hidden: z.number().int().positive().default(16) }),
 *   params: ({ input, hidden }) => ({ w: [hidden, input], u: [hidden, hidden] }),
 *   state: ({ batch, hidden }) => ({ h: [batch, hidden] }),
 *   outputSize: ({ hidden }) => hidden,
 *   step: (x, { h }, { w, u }) => {
 *     const next = tanh(add(matMul(x, w, { transposeB: true }), matMul(h, u, { transposeB: true })));
 *     return { output: next, state: { h: next } };
 *   },
 * });
 */
export function defineCell<
  const TName extends string,
  TSchema extends CellSchema,
  TParam extends string,
  TPart extends string,
>(spec: CellSpec<TName, TSchema, TParam, TPart>): CellDefinition<TName, TSchema, TParam, TPart> {
  const definition = {
    ...spec,
    kind: "cell" as const,
    // The registry passes a config it parsed (and its context): it is used as it is.
    // Called directly (`lstm.create({ hidden: 64 })`), the config is parsed here.
    create: (
      config: Record<string, unknown>,
      context?: CreateContext,
    ): Cell<z.output<TSchema>> => ({
      definition: typed,
      config: (context === undefined ? spec.schema.parse(config) : config) as z.output<TSchema>,
    }),
  };
  const typed: CellDefinition<TName, TSchema, TParam, TPart> = definition;
  return typed;
}

/**
 * Whether a registry entry of kind `cell` is a cell definition (what
 * `defineCell` returns): a lookup by name gives a plain `Entry`, and this is
 * how a tool gets the definition's functions from it, checked, not cast.
 */
export function isCellDefinition(entry: Entry): entry is Entry & CellDefinition {
  const candidate = entry as Partial<
    Record<keyof CellSpec<string, CellSchema, string, string>, unknown>
  >;
  return (
    entry.kind === "cell" &&
    typeof candidate.params === "function" &&
    typeof candidate.state === "function" &&
    typeof candidate.outputSize === "function" &&
    typeof candidate.step === "function"
  );
}

/**
 * Configure a cell without a registry: validate `config` against the cell's
 * schema (unknown keys included) and fill its defaults, exactly as
 * `registry.create("cell", name, config)` does, with the same `ConfigError`
 * listing every problem.
 *
 * @example
 * const cell = createCell(lstm, { hidden: 32, forgetBias: 1 });
 * const layer = new Recurrent(cell, { inputSize: 8 });
 */
export function createCell<
  TName extends string,
  TSchema extends CellSchema,
  TParam extends string,
  TPart extends string,
>(
  definition: CellDefinition<TName, TSchema, TParam, TPart>,
  config?: z.input<TSchema>,
): Cell<z.output<TSchema>> {
  const parsed = parseEntryConfig(definition, config);
  return { definition, config: parsed as z.output<TSchema> };
}
