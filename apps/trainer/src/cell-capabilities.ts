/**
 * The trainer's one door to what a cell can do: it asks the cell's declared
 * capabilities (from @recurrent/cells) by registry name, and never tests a
 * name or reads a schema itself. A built-in cell and a plugin's cell are
 * asked the same way.
 */
import {
  type CellCapabilities,
  type CellDefinition,
  cellCapabilities,
  formatFusedSupport,
  fusedSupport,
  isCellDefinition,
} from "@recurrent/cells";
import type { Registry } from "@recurrent/registry";
import { TrainerError } from "./errors.js";

/** The capabilities of the cell registered as `name` (an unknown name fails, with suggestions). */
export function capabilitiesOf(registry: Registry, name: string): CellCapabilities {
  return cellCapabilities(cellDefinition(registry, name));
}

/** The definition registered as cell `name`; an entry that is not one fails, naming its plugin. */
export function cellDefinition(registry: Registry, name: string): CellDefinition {
  const entry = registry.get("cell", name);
  if (!isCellDefinition(entry)) {
    throw new TrainerError(
      "PLUGIN",
      `cell "${name}" (plugin "${registry.pluginOf("cell", name)}"): expected a definition made by defineCell (params, state, outputSize, step), got an entry without them`,
    );
  }
  return entry;
}

/** What `recurrent list` prints under a cell: its capabilities and its training path. */
export function describeCell(definition: CellDefinition): string[] {
  const c = cellCapabilities(definition);
  const hidden = {
    state: "hidden sizes the state",
    layer: "hidden sizes a feed-forward layer",
    output: "hidden sizes the output",
    none: "no hidden size",
  }[c.hidden];
  const traits = [
    hidden,
    `tokens ${c.input === "one-hot" ? "one-hot" : "embedded"} by default`,
    c.recurrentState ? "recurrent state" : "no recurrent state",
    ...(c.recurrentWeights.length > 0
      ? [`recurrent weights ${c.recurrentWeights.join(", ")}`]
      : []),
    ...(c.exactFit === null ? [] : [`exact fit: ${c.exactFit.description}`]),
    ...(c.torchModule === null ? [] : [`exports as torch.nn.${c.torchModule}`]),
  ];
  return [
    `capabilities: ${traits.join(" · ")}`,
    `fused: ${formatFusedSupport(fusedSupport(definition))}`,
  ];
}
