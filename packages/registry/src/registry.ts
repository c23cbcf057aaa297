/**
 * The registry: kinds → names → entries. Lookups fail loudly and helpfully
 * (the closest name, then everything registered); registration fails on any
 * clash, naming both plugins, and is all-or-nothing per plugin.
 */
import type { z } from "zod";
import { configTitle, type ParseResult, parseConfig } from "./config.js";
import type {
  ConfigOutput,
  ConfigSchema,
  CreateContext,
  Entry,
  EntryValue,
  MemberRef,
} from "./entry.js";
import { ConfigError, type ConfigProblem, RegistryError } from "./errors.js";
import type { KindMap, KindValues } from "./index.js";
import { builtInKinds, type KindInfo } from "./kinds.js";
import type { Plugin } from "./plugin.js";
import { closestName } from "./suggest.js";

/** A kind name: the built-in ones autocomplete, any other string is allowed. */
export type KindName = keyof KindMap | (string & {});

/** What entries of `kind` create, as its owner declared in `KindValues` (else unknown). */
export type ValueOf<TKind extends string> = TKind extends keyof KindValues
  ? KindValues[TKind]
  : unknown;

/** The typed entry for `kind`/`name` when a plugin declared it, else an entry creating the kind's value. */
export type EntryFor<TKind extends string, TName extends string> = TKind extends keyof KindMap
  ? TName extends keyof KindMap[TKind]
    ? KindMap[TKind][TName]
    : Entry<TKind, string, ConfigSchema, ValueOf<TKind>>
  : Entry<TKind, string, ConfigSchema, ValueOf<TKind>>;

/** Names declared (by augmentation) for a kind, plus any string. */
export type NameOf<TKind extends string> = TKind extends keyof KindMap
  ? (keyof KindMap[TKind] & string) | (string & {})
  : string;

/**
 * An entry as a config file names it: `{ "name": "adam", "lr": 0.003 }`.
 * What `parseEntry` returns and `createEntry` takes.
 */
export interface EntryConfig {
  readonly name: string;
  readonly [option: string]: unknown;
}

/** One config section to check: which entry, its raw config, and where it sits in the file. */
export interface ConfigRequest {
  readonly kind: string;
  readonly name: string;
  readonly config?: unknown;
  /** Prefix for problem paths, e.g. `"optimizer"`. */
  readonly path?: string;
}

const namePattern = /^[a-z0-9@][a-z0-9._/-]*$/i;

interface Registered {
  readonly entry: Entry;
  readonly plugin: string;
}

export class Registry {
  private readonly kindInfo = new Map<string, KindInfo & { plugin: string }>();
  private readonly entries = new Map<string, Map<string, Registered>>();
  private readonly plugins = new Map<string, Plugin>();
  /** Configs `parse` returned, with the entry they were parsed for: `create` does not parse them again. */
  private readonly parsed = new WeakMap<object, Entry>();
  private readonly context: CreateContext = { registry: this };

  constructor() {
    for (const kind of builtInKinds) this.addKind(kind, "@recurrent/registry");
  }

  /** Register every kind and entry of `plugin`, or none of them if anything clashes. */
  use(plugin: Plugin): this {
    const previous = this.plugins.get(plugin.name);
    if (previous === plugin) return this;
    if (previous !== undefined) {
      throw new RegistryError(
        "INVALID_PLUGIN",
        `plugin "${plugin.name}" is already registered by a different plugin object; give each plugin a unique name`,
      );
    }
    this.validatePlugin(plugin);
    for (const kind of plugin.kinds) this.addKind(kind, plugin.name);
    for (const entry of plugin.entries) {
      this.entriesOf(entry.kind).set(entry.name, { entry, plugin: plugin.name });
    }
    this.plugins.set(plugin.name, plugin);
    return this;
  }

  /** Every kind, built-in and plugin-added, in registration order. */
  kinds(): KindInfo[] {
    return [...this.kindInfo.values()].map(({ name, description }) => ({ name, description }));
  }

  /** Names of the plugins in use, in order. */
  pluginNames(): string[] {
    return [...this.plugins.keys()];
  }

  has(kind: string, name: string): boolean {
    return this.entries.get(kind)?.has(name) ?? false;
  }

  /** The entries of a kind, sorted by name. */
  list(kind: KindName): Entry[] {
    this.requireKind(kind);
    return [...this.entriesOf(kind).values()]
      .map((r) => r.entry)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The entry `kind`/`name`; throws with the closest name and everything registered. */
  get<TKind extends KindName, TName extends NameOf<TKind>>(
    kind: TKind,
    name: TName,
  ): EntryFor<TKind, TName> {
    return this.lookup(kind, name).entry as EntryFor<TKind, TName>;
  }

  /** The plugin that registered `kind`/`name`. */
  pluginOf(kind: KindName, name: string): string {
    return this.lookup(kind, name).plugin;
  }

  /** Validate a raw config against the entry's schema and fill defaults; throws listing every problem. */
  parse<TKind extends KindName, TName extends NameOf<TKind>>(
    kind: TKind,
    name: TName,
    raw?: ConfigInputFor<TKind, TName>,
  ): ConfigOutput<EntryFor<TKind, TName>> {
    const entry = this.lookup(kind, name).entry;
    const result = this.parseFor(entry, raw, "");
    if (!result.ok) throw new ConfigError(result.problems, configTitle(kind, name));
    const value = result.value;
    if (typeof value === "object" && value !== null) this.parsed.set(value, entry);
    return value as ConfigOutput<EntryFor<TKind, TName>>;
  }

  /**
   * Validate the config, then call the entry's factory with it and the
   * registry (so a composite resolves its members by name). A config that
   * `parse` returned for this entry is passed on as it is, not parsed again.
   * What the factory returns is checked by the kind's guard, if it has one.
   */
  create<TKind extends KindName, TName extends NameOf<TKind>>(
    kind: TKind,
    name: TName,
    raw?: ConfigInputFor<TKind, TName> | ConfigOutput<EntryFor<TKind, TName>>,
  ): EntryValue<EntryFor<TKind, TName>> {
    const entry = this.lookup(kind, name).entry;
    const config =
      typeof raw === "object" && raw !== null && this.parsed.get(raw) === entry
        ? raw
        : this.parse(kind, name, raw as ConfigInputFor<TKind, TName>);
    const value: unknown = entry.create(config as Record<string, unknown>, this.context);
    return this.checked(kind, name, value) as EntryValue<EntryFor<TKind, TName>>;
  }

  /**
   * Validate an entry config `{ name, ...options }` of `kind`: on success the
   * same shape with the options parsed and defaults filled, which
   * `createEntry` then uses as it is; on failure every problem, at `path`
   * (default: the kind). Never throws for a bad config or an unknown name.
   */
  parseEntry(kind: KindName, entry: EntryConfig, path: string = kind): ParseResult<EntryConfig> {
    const { name, ...options } = entry;
    let found: Entry;
    try {
      found = this.lookup(kind, name).entry;
    } catch (error) {
      return { ok: false, problems: [{ path, message: (error as Error).message }] };
    }
    const result = this.parseFor(found, options, path);
    if (!result.ok) return result;
    const value: EntryConfig = { name, ...result.value };
    this.parsed.set(value, found);
    return { ok: true, value };
  }

  /**
   * Create from an entry config `{ name, ...options }`: what `parseEntry`
   * returned is used as it is, anything else is parsed first (throwing a
   * `ConfigError` listing every problem).
   */
  createEntry<TKind extends KindName>(kind: TKind, entry: EntryConfig): ValueOf<TKind> {
    const { name, ...options } = entry;
    const found = this.lookup(kind, name).entry;
    let config: Record<string, unknown> = options;
    if (this.parsed.get(entry) !== found) {
      const result = this.parseFor(found, options, "");
      if (!result.ok) throw new ConfigError(result.problems, configTitle(kind, name));
      config = result.value;
    }
    return this.checked(kind, name, found.create(config, this.context)) as ValueOf<TKind>;
  }

  /**
   * Check many config sections at once and return every problem, unknown
   * names included, so a whole config file can fail before training with one
   * complete list. Returns [] when all is well.
   */
  check(requests: readonly ConfigRequest[]): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const request of requests) {
      const where = request.path ?? request.kind;
      let entry: Entry;
      try {
        entry = this.lookup(request.kind, request.name).entry;
      } catch (error) {
        problems.push({ path: where, message: (error as Error).message });
        continue;
      }
      const result = this.parseFor(entry, request.config, where);
      if (!result.ok) problems.push(...result.problems);
    }
    return problems;
  }

  /**
   * Parse `raw` with the entry's schema and, for a composite, each member
   * with its own entry's (members parsed in place, so the factory receives
   * them parsed). Member problems come first, at their paths, then the
   * composite's own; both are found in one pass.
   */
  private parseFor(entry: Entry, raw: unknown, path: string): ParseResult<Record<string, unknown>> {
    const own = parseConfig(entry.schema, raw, path);
    const refs = entry.members?.(raw) ?? [];
    const problems: ConfigProblem[] = [];
    const parsedMembers: { ref: MemberRef; value: EntryConfig }[] = [];
    for (const ref of refs) {
      const member = valueAt(raw, ref.path);
      if (!isEntryConfig(member)) continue; // the composite's schema reports it
      const result = this.parseEntry(ref.kind, member, joinPath(path, ref.path));
      if (result.ok) parsedMembers.push({ ref, value: result.value });
      else problems.push(...result.problems);
    }
    if (!own.ok) return { ok: false, problems: [...problems, ...own.problems] };
    if (problems.length > 0) return { ok: false, problems };
    for (const { ref, value } of parsedMembers) setAt(own.value, ref.path, value);
    return own;
  }

  private checked(kind: string, name: string, value: unknown): unknown {
    const guard = this.kindInfo.get(kind)?.guard;
    if (guard === undefined) return value;
    const check = (v: unknown): unknown => {
      if (guard(v)) return v;
      const plugin = this.pluginOf(kind, name);
      throw new RegistryError(
        "INVALID_VALUE",
        `${kind} "${name}" (plugin "${plugin}"): its create() returned ${describe(v)}, which is not a ${kind}`,
      );
    };
    // An asynchronous kind (datasets) is checked when its promise settles.
    return value instanceof Promise ? value.then(check) : check(value);
  }

  private lookup(kind: string, name: string): Registered {
    this.requireKind(kind);
    const found = this.entriesOf(kind).get(name);
    if (found !== undefined) return found;
    const names = [...this.entriesOf(kind).keys()].sort();
    const near = closestName(name, names);
    const hint = near === undefined ? ";" : `; did you mean "${near}"?`;
    const known =
      names.length === 0 ? `no ${kind} is registered` : `registered: ${names.join(", ")}`;
    throw new RegistryError("UNKNOWN_ENTRY", `unknown ${kind} "${name}"${hint} ${known}`);
  }

  private requireKind(kind: string): void {
    if (this.kindInfo.has(kind)) return;
    const kinds = [...this.kindInfo.keys()];
    const near = closestName(kind, kinds);
    const hint = near === undefined ? ";" : `; did you mean "${near}"?`;
    throw new RegistryError(
      "UNKNOWN_KIND",
      `unknown kind "${kind}"${hint} kinds: ${kinds.join(", ")}`,
    );
  }

  private addKind(kind: KindInfo, plugin: string): void {
    this.kindInfo.set(kind.name, { ...kind, plugin });
    if (!this.entries.has(kind.name)) this.entries.set(kind.name, new Map());
  }

  private entriesOf(kind: string): Map<string, Registered> {
    return this.entries.get(kind) as Map<string, Registered>;
  }

  /** Check everything a plugin would add before adding any of it. */
  private validatePlugin(plugin: Plugin): void {
    const problems: string[] = [];
    const newKinds = new Set<string>();
    for (const kind of plugin.kinds) {
      const existing = this.kindInfo.get(kind.name);
      if (existing !== undefined) {
        problems.push(
          `kind "${kind.name}" is already defined by plugin "${existing.plugin}", and again by plugin "${plugin.name}"`,
        );
      }
      newKinds.add(kind.name);
    }
    const seen = new Map<string, string>();
    for (const entry of plugin.entries) {
      const key = `${entry.kind}\u0000${entry.name}`;
      if (!namePattern.test(entry.name)) {
        problems.push(
          `${entry.kind} name "${entry.name}" must be letters, digits and . _ / - (e.g. "acme/peephole-lstm")`,
        );
      }
      if (!this.kindInfo.has(entry.kind) && !newKinds.has(entry.kind)) {
        const near = closestName(entry.kind, [...this.kindInfo.keys(), ...newKinds]);
        const hint = near === undefined ? "" : `; did you mean "${near}"?`;
        problems.push(
          `${entry.kind} "${entry.name}" has unknown kind "${entry.kind}"${hint} (a plugin adds a kind with \`kinds: [{ name, description }]\`)`,
        );
        continue;
      }
      const existing = this.entries.get(entry.kind)?.get(entry.name);
      if (existing !== undefined) {
        problems.push(
          `duplicate ${entry.kind} "${entry.name}": registered by plugin "${existing.plugin}", and again by plugin "${plugin.name}"`,
        );
      } else if (seen.has(key)) {
        problems.push(
          `duplicate ${entry.kind} "${entry.name}": listed twice in plugin "${plugin.name}"`,
        );
      }
      seen.set(key, plugin.name);
    }
    if (problems.length === 0) return;
    const code = problems.every((p) => p.startsWith("duplicate"))
      ? "DUPLICATE_ENTRY"
      : problems.every((p) => p.startsWith("kind ") && p.includes("is already defined"))
        ? "DUPLICATE_KIND"
        : "INVALID_PLUGIN";
    const message =
      problems.length === 1
        ? (problems[0] as string)
        : `plugin "${plugin.name}" cannot be registered:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
    throw new RegistryError(code, message);
  }
}

/** The raw config accepted by the entry `kind`/`name` (typed when the entry is declared). */
export type ConfigInputFor<TKind extends string, TName extends string> =
  EntryFor<TKind, TName> extends Entry<string, string, infer S extends ConfigSchema, unknown>
    ? z.input<S>
    : Record<string, unknown>;

function isEntryConfig(value: unknown): value is EntryConfig {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { name?: unknown }).name === "string"
  );
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function setAt(root: object, path: readonly (string | number)[], value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (typeof parent === "object" && parent !== null) {
    (parent as Record<string | number, unknown>)[path[path.length - 1] as string | number] = value;
  }
}

/** `schedule` + ["schedules", 1] → `schedule.schedules[1]`. */
function joinPath(prefix: string, path: readonly (string | number)[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? part : `.${part}`;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object of another shape" : typeof value;
}

/** A fresh registry holding only the built-in kinds; add entries with `use(plugin)`. */
export function createRegistry(): Registry {
  return new Registry();
}
