/**
 * The Node-only datasets as one registry plugin; use it beside `dataPlugin`:
 * `createRegistry().use(dataPlugin).use(nodeDataPlugin)`.
 */
import { definePlugin } from "@recurrent/registry";
import {
  csvColumnEntry,
  firstNamesEntry,
  linesFileEntry,
  mobyDickEntry,
  textFileEntry,
  usBirthsEntry,
} from "./entries.js";

/**
 * @example
 * const registry = createRegistry().use(dataPlugin).use(nodeDataPlugin);
 * const { text } = registry.create("dataset", "moby-dick", {});
 * const series = await registry.create("dataset", "csv-column", { path: "prices.csv", column: "close" });
 */
export const nodeDataPlugin = definePlugin({
  name: "@recurrent/data/node",
  entries: [
    mobyDickEntry,
    firstNamesEntry,
    usBirthsEntry,
    textFileEntry,
    linesFileEntry,
    csvColumnEntry,
  ],
});

declare module "@recurrent/registry" {
  interface DatasetTypes {
    "moby-dick": typeof mobyDickEntry;
    "first-names-en": typeof firstNamesEntry;
    "us-births-1969-1988": typeof usBirthsEntry;
    "text-file": typeof textFileEntry;
    "lines-file": typeof linesFileEntry;
    "csv-column": typeof csvColumnEntry;
  }
}
