/**
 * Datasets written into the config itself (kind `dataset`): a text, or a
 * list of sequences, given as strings. A web page has no files to name by
 * path, so the playground trains on pasted or dropped text this way, and a
 * checkpoint it saves carries its data: `recurrent resume` and `generate`
 * rebuild exactly the same splits from the config alone.
 */
import { defineEntry, z } from "@recurrent/registry";
import type { SequencesDataset, TextDataset } from "./dataset.js";

const label = z.string().min(1).default("inline text").describe("what the text is, for reports");

export const inlineTextEntry = defineEntry({
  kind: "dataset",
  name: "inline-text",
  description: "a text given in the config itself, as one text",
  schema: z.object({ text: z.string().min(1).describe("the text"), label }),
  create: async (config): Promise<TextDataset> => ({
    type: "text",
    name: "inline-text",
    description: config.label,
    text: config.text,
  }),
});

export const inlineLinesEntry = defineEntry({
  kind: "dataset",
  name: "inline-lines",
  description: "sequences given in the config itself, one per item (names, lines)",
  schema: z.object({
    items: z.array(z.string().min(1)).min(1).describe("the sequences"),
    label: label.default("inline sequences"),
  }),
  create: async (config): Promise<SequencesDataset> => ({
    type: "sequences",
    name: "inline-lines",
    description: config.label,
    items: config.items,
  }),
});
