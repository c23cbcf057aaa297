/**
 * An entry is one named, configurable thing in the registry: its kind, a
 * schema that validates its config and fills defaults, a short description,
 * and a factory. The config's type flows from the schema to the factory, so
 * a plugin author writes the schema once and never repeats the type.
 */
import { z } from "zod";
import type { Registry } from "./registry.js";

/**
 * Where a composite entry's members sit in its config (`["schedules", 1]`),
 * and their kind: each member is itself an entry config `{ name, ...options }`
 * that the registry validates with its own entry's schema, so a plugin's
 * entry can be a member, and the factory receives the members parsed.
 */
export interface MemberRef {
  readonly kind: string;
  readonly path: readonly (string | number)[];
}

/** What a factory receives besides its config: the registry it is created from, so a composite resolves its members by name. */
export interface CreateContext {
  readonly registry: Registry;
}

/** Anything zod can parse into a config object. */
export type ConfigSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export const emptySchema = z.object({});
export type EmptySchema = typeof emptySchema;

export interface Entry<
  TKind extends string = string,
  TName extends string = string,
  TSchema extends ConfigSchema = ConfigSchema,
  TValue = unknown,
> {
  readonly kind: TKind;
  readonly name: TName;
  readonly description: string;
  readonly schema: TSchema;
  /** A method (not a function property), so that an entry whose factory accepts more is still an Entry. */
  create(config: z.output<TSchema>, context: CreateContext): TValue;
  /** A composite's members, read off its raw config (anything; return [] for what is not there). */
  readonly members?: (config: unknown) => readonly MemberRef[];
}

/** What the author passes to `defineEntry`; the schema may be left out when there is nothing to configure. */
export interface EntrySpec<
  TKind extends string,
  TName extends string,
  TSchema extends ConfigSchema,
  TValue,
> {
  kind: TKind;
  name: TName;
  description: string;
  schema?: TSchema;
  create: (config: z.output<TSchema>, context: CreateContext) => TValue;
  /** For a composite: where its member entries sit (see `MemberRef`). */
  members?: (config: unknown) => readonly MemberRef[];
}

/**
 * Declare a registry entry.
 *
 * @example
 * const sgd = defineEntry({
 *   kind: "optimizer",
 *   name: "sgd",
 *   description: "stochastic gradient descent",
 *   schema: z.object({ lr: z.number().min(0).default(0.01) }),
 *   create: ({ lr }) => makeSgd(lr), // lr: number
 * });
 */
export function defineEntry<
  const TKind extends string,
  const TName extends string,
  TValue,
  TSchema extends ConfigSchema = EmptySchema,
>(spec: EntrySpec<TKind, TName, TSchema, TValue>): Entry<TKind, TName, TSchema, TValue> {
  return {
    kind: spec.kind,
    name: spec.name,
    description: spec.description,
    schema: (spec.schema ?? emptySchema) as TSchema,
    create: spec.create,
    ...(spec.members === undefined ? {} : { members: spec.members }),
  };
}

/** The config an entry accepts (defaults may be omitted). */
export type ConfigInput<TEntry> =
  TEntry extends Entry<string, string, infer S, unknown> ? z.input<S> : Record<string, unknown>;

/** The config an entry's factory receives (defaults filled in). */
export type ConfigOutput<TEntry> =
  TEntry extends Entry<string, string, infer S, unknown> ? z.output<S> : Record<string, unknown>;

/** What an entry's factory returns. */
export type EntryValue<TEntry> =
  TEntry extends Entry<string, string, ConfigSchema, infer V> ? V : unknown;
