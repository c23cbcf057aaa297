/**
 * The plugins the trainer loads before any user plugin: every package that
 * ships built-in entries, through the same `registry.use` a user's plugin
 * takes.
 */
import { cellsPlugin } from "@recurrent/cells";
import { dataPlugin } from "@recurrent/data";
import { nodeDataPlugin } from "@recurrent/data/node";
import { datasetsPlugin } from "@recurrent/datasets";
import { backendPlugin, nnPlugin } from "@recurrent/nn";
import { optimPlugin } from "@recurrent/optim";
import { createRegistry, type Plugin, type Registry } from "@recurrent/registry";
import { shuffledTextPlugin } from "./shuffled-text.js";

export const builtInPlugins: readonly Plugin[] = [
  cellsPlugin,
  optimPlugin,
  nnPlugin,
  dataPlugin,
  nodeDataPlugin,
  datasetsPlugin,
  backendPlugin,
];

/** A registry holding every built-in plugin, then `extra` (user plugins) in order. */
export function createTrainerRegistry(
  plugins: readonly Plugin[] = builtInPlugins,
  extra: readonly Plugin[] = [],
): Registry {
  const registry = createRegistry();
  for (const plugin of [...plugins, ...extra]) registry.use(plugin);
  registry.use(shuffledTextPlugin(registry));
  return registry;
}
