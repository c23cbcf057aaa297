/**
 * `recurrent list`: what the registry holds, kind by kind, each entry with
 * its description and its options (type and default), read off its schema;
 * a cell also with its capabilities and the path it trains on.
 */
import { describeOptions, type Entry, type OptionInfo, type Registry } from "@recurrent/registry";
import { cellDefinition, describeCell } from "./cell-capabilities.js";

/**
 * The options of an entry; an entry whose schema is not a zod schema (the
 * tensor package's backends are plain data, as it imports nothing of ours)
 * is listed without them instead of failing the whole listing.
 */
function optionsOf(entry: Entry): OptionInfo[] | undefined {
  try {
    return describeOptions(entry);
  } catch {
    return undefined;
  }
}

/**
 * Every kind and entry of the registry. `notes` adds a remark after an
 * entry, keyed "kind/name" (list marks the datasets train refuses).
 */
export function formatRegistry(
  registry: Registry,
  notes: ReadonlyMap<string, string> = new Map(),
): string {
  const lines: string[] = [];
  for (const kind of registry.kinds()) {
    const entries = registry.list(kind.name);
    lines.push(`${kind.name} — ${kind.description} (${entries.length})`);
    for (const entry of entries) {
      const note = notes.get(`${kind.name}/${entry.name}`);
      lines.push(
        `  ${entry.name}${entry.description ? ` — ${entry.description}` : ""}${note === undefined ? "" : ` [${note}]`}`,
      );
      for (const option of optionsOf(entry) ?? []) {
        const fallback = option.required
          ? "required"
          : option.default === undefined
            ? "optional"
            : `default ${JSON.stringify(option.default)}`;
        const about = option.description ? ` — ${option.description}` : "";
        lines.push(`      ${option.name}: ${option.type} (${fallback})${about}`);
      }
      if (kind.name === "cell") {
        for (const line of describeCell(cellDefinition(registry, entry.name)))
          lines.push(`      ${line}`);
      }
    }
  }
  return lines.join("\n");
}
