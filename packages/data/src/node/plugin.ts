/**
 * A user's files as one registry plugin; use it beside `dataPlugin`:
 * `createRegistry().use(dataPlugin).use(nodeDataPlugin)`.
 */
import { definePlugin } from "@recurrent/registry";
import { csvColumnEntry, linesFileEntry, textFileEntry } from "./entries.js";

/**
 * @example
 * const registry = createRegistry().use(dataPlugin).use(nodeDataPlugin);
 * const { text } = await registry.create("dataset", "text-file", { path: "notes.txt" });
 * const series = await registry.create("dataset", "csv-column", { path: "prices.csv", column: "close" });
 */
export const nodeDataPlugin = definePlugin({
  name: "@recurrent/data/node",
  entries: [textFileEntry, linesFileEntry, csvColumnEntry],
});

declare module "@recurrent/registry" {
  interface DatasetTypes {
    "text-file": typeof textFileEntry;
    "lines-file": typeof linesFileEntry;
    "csv-column": typeof csvColumnEntry;
  }
}
