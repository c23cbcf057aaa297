/**
 * The real datasets as one registry plugin; use it beside `dataPlugin`:
 * `createRegistry().use(dataPlugin).use(datasetsPlugin)`.
 */
import { definePlugin } from "@recurrent/registry";
import { firstNamesEntry, mobyDickEntry, usBirthsEntry } from "./entries.js";

/**
 * @example
 * const registry = createRegistry().use(dataPlugin).use(datasetsPlugin);
 * const { text } = await registry.create("dataset", "moby-dick", {});
 */
export const datasetsPlugin = definePlugin({
  name: "@recurrent/datasets",
  entries: [mobyDickEntry, firstNamesEntry, usBirthsEntry],
});

declare module "@recurrent/registry" {
  interface DatasetTypes {
    "moby-dick": typeof mobyDickEntry;
    "first-names-en": typeof firstNamesEntry;
    "us-births-1969-1988": typeof usBirthsEntry;
  }
}
