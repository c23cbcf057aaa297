/**
 * The page's registry: every browser-safe built-in plugin (the trainer's
 * list without the Node-only data plugin), the page's own copy of the first
 * names, the example plugin cells of examples/, then the user's plugins.
 */
import { cellsPlugin } from "@recurrent/cells";
import { dataPlugin } from "@recurrent/data";
import examplePeepholeLstm from "@recurrent/example-peephole-lstm";
import { backendPlugin, nnPlugin } from "@recurrent/nn";
import { optimPlugin } from "@recurrent/optim";
import { createRegistry, type Plugin, type Registry } from "@recurrent/registry";
import { pageDataPlugin } from "./first-names.js";

export const builtInPlugins: readonly Plugin[] = [
  cellsPlugin,
  optimPlugin,
  nnPlugin,
  dataPlugin,
  pageDataPlugin,
  backendPlugin,
];

/** Example plugins, by the spec a checkpoint records (what `--plugin` would be given). */
export const examplePlugins: Readonly<Record<string, Plugin>> = {
  "@recurrent/example-peephole-lstm": examplePeepholeLstm,
};

export function createPageRegistry(extra: readonly Plugin[]): Registry {
  const registry = createRegistry();
  for (const plugin of [...builtInPlugins, ...Object.values(examplePlugins), ...extra]) {
    registry.use(plugin);
  }
  return registry;
}
