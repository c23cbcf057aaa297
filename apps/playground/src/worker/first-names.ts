/**
 * `first-names-en` in the page: the same entry name, options and items as
 * the Node entry of @recurrent/datasets (which reads @stdlib's files from disk),
 * from the lists shipped in data/first-names.json (scripts/make-data.ts). A
 * checkpoint trained on it here names `first-names-en`, and the CLI rebuilds
 * exactly the same splits from its own copy; the reverse holds too.
 */
import type { SequencesDataset } from "@recurrent/data";
import { defineEntry, definePlugin, z } from "@recurrent/registry";

export const firstNamesEntry = defineEntry({
  kind: "dataset",
  name: "first-names-en",
  description: "English first names, female and male (shipped with the page)",
  schema: z.object({
    which: z.enum(["female", "male", "all"]).default("all"),
    lowercase: z.boolean().default(false),
  }),
  create: async (config): Promise<SequencesDataset> => {
    const { default: lists } = await import("../../data/first-names.json");
    // As loadFirstNames: the female list, then the male names not already in it.
    const raw = [
      ...(config.which === "male" ? [] : lists.female),
      ...(config.which === "female" ? [] : lists.male),
    ];
    const names = config.lowercase ? raw.map((name) => name.toLowerCase()) : raw;
    return {
      type: "sequences",
      name: "first-names-en",
      description: `English first names (${config.which})`,
      items: [...new Set(names)],
    };
  },
});

export const pageDataPlugin = definePlugin({
  name: "@recurrent/playground/data",
  entries: [firstNamesEntry],
});
