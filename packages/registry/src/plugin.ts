/**
 * A plugin is a named bundle of entries (and, optionally, new kinds). The
 * built-in cells, optimizers and datasets are plugins too, registered by the
 * same `registry.use` a user's plugin goes through.
 */
import type { Entry } from "./entry.js";
import type { KindInfo } from "./kinds.js";

export interface Plugin {
  readonly name: string;
  readonly kinds: readonly KindInfo[];
  // biome-ignore lint/suspicious/noExplicitAny: entries of any schema and value type
  readonly entries: readonly Entry<string, string, any, unknown>[];
}

export interface PluginSpec {
  name: string;
  /** New kinds this plugin introduces, e.g. `{ name: "metric", description: "…" }`. */
  kinds?: readonly KindInfo[];
  // biome-ignore lint/suspicious/noExplicitAny: entries of any schema and value type
  entries?: readonly Entry<string, string, any, unknown>[];
}

/**
 * @example
 * export default definePlugin({ name: "acme-cells", entries: [peepholeLstm] });
 */
export function definePlugin(spec: PluginSpec): Plugin {
  return { name: spec.name, kinds: spec.kinds ?? [], entries: spec.entries ?? [] };
}
