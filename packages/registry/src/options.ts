/**
 * What an entry can be configured with, read off its schema: name, type,
 * default and description of each option. The trainer's `list` command and
 * the start screen print these.
 */
import { z } from "zod";
import type { Entry } from "./entry.js";

export interface OptionInfo {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
  readonly description?: string;
}

interface JsonSchemaNode {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  items?: JsonSchemaNode | false;
  prefixItems?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

/** The options of an entry, in declaration order. */
export function describeOptions(entry: Entry): OptionInfo[] {
  const json = z.toJSONSchema(entry.schema, {
    io: "input",
    unrepresentable: "any",
  }) as JsonSchemaNode;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, node]) => {
    const info: {
      name: string;
      type: string;
      required: boolean;
      default?: unknown;
      description?: string;
    } = { name, type: typeName(node), required: required.has(name) && node.default === undefined };
    if (node.default !== undefined) info.default = node.default;
    if (node.description !== undefined) info.description = node.description;
    return info;
  });
}

function typeName(node: JsonSchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (node.const !== undefined) return JSON.stringify(node.const);
  const union = node.anyOf ?? node.oneOf;
  if (union !== undefined) return union.map(typeName).join(" | ");
  if (node.prefixItems !== undefined) return `[${node.prefixItems.map(typeName).join(", ")}]`;
  if (node.type === "array") return node.items ? `${typeName(node.items)}[]` : "array";
  if (Array.isArray(node.type)) return node.type.join(" | ");
  return node.type ?? "any";
}
