/**
 * The plugins the trainer loads before any user plugin. Each package that
 * ships built-in entries (cells, optimizers, datasets, …) joins this list as
 * it lands, through the same `registry.use` a user's plugin takes.
 */
import { createRegistry, type Plugin, type Registry } from "@recurrent/registry";

export const builtInPlugins: readonly Plugin[] = [];

/** A registry holding every built-in plugin. */
export function createTrainerRegistry(plugins: readonly Plugin[] = builtInPlugins): Registry {
  const registry = createRegistry();
  for (const plugin of plugins) registry.use(plugin);
  return registry;
}
