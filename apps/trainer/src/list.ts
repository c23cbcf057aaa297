/**
 * `recurrent list`: what the registry holds, kind by kind, each entry with
 * its description and its options (type and default), read off its schema.
 */
import { describeOptions, type Registry } from "@recurrent/registry";

export function formatRegistry(registry: Registry): string {
  const lines: string[] = [];
  for (const kind of registry.kinds()) {
    const entries = registry.list(kind.name);
    lines.push(`${kind.name} — ${kind.description} (${entries.length})`);
    for (const entry of entries) {
      lines.push(`  ${entry.name}${entry.description ? ` — ${entry.description}` : ""}`);
      for (const option of describeOptions(entry)) {
        const fallback = option.required ? "required" : `default ${JSON.stringify(option.default)}`;
        const about = option.description ? ` — ${option.description}` : "";
        lines.push(`      ${option.name}: ${option.type} (${fallback})${about}`);
      }
    }
  }
  return lines.join("\n");
}
