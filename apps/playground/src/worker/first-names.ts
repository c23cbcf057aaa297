/**
 * `first-names-en` in the page: the same entry name, options (one schema)
 * and items (one function, `firstNamesFrom`) as the Node entry of
 * @recurrent/datasets, which reads @stdlib's files from disk; here the lists
 * are shipped in data/first-names.json (scripts/make-data.ts). A
 * checkpoint trained on it here names `first-names-en`, and the CLI rebuilds
 * exactly the same splits from its own copy; the reverse holds too.
 */
import type { SequencesDataset } from "@recurrent/data";
import { firstNamesFrom, firstNamesSchema } from "@recurrent/datasets/first-names";
import { defineEntry, definePlugin } from "@recurrent/registry";

export const firstNamesEntry = defineEntry({
  kind: "dataset",
  name: "first-names-en",
  description: "English first names, female and male (shipped with the page)",
  schema: firstNamesSchema,
  create: async (config): Promise<SequencesDataset> => {
    const { default: lists } = await import("../../data/first-names.json");
    return {
      type: "sequences",
      name: "first-names-en",
      description: `English first names (${config.which})`,
      items: firstNamesFrom(lists, config),
    };
  },
});

export const pageDataPlugin = definePlugin({
  name: "@recurrent/playground/data",
  entries: [firstNamesEntry],
});
