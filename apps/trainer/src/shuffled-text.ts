/**
 * `shuffled-text`: another text dataset with its characters in a random
 * order. The note's first claim is that sequence data is not i.i.d.: the
 * same model trained on the text in order and on the same characters
 * shuffled (which keeps their frequencies and destroys every dependency)
 * measures what the order is worth. With the order gone the best any model
 * can do is the unigram entropy.
 */
import type { TextDataset } from "@recurrent/data";
import { defineEntry, definePlugin, type Plugin, type Registry, z } from "@recurrent/registry";
import { Generator } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";

/** A seeded Fisher–Yates shuffle of the code points of `text`. */
export function shuffleCharacters(text: string, seed: number): string {
  const chars = Array.from(text);
  const random = new Generator(seed >>> 0);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = Math.floor(random.nextFloat() * (i + 1));
    const held = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = held;
  }
  return chars.join("");
}

/** The plugin; `registry` resolves the dataset being shuffled (built-in or a plugin's). */
export function shuffledTextPlugin(registry: Registry): Plugin {
  const entry = defineEntry({
    kind: "dataset",
    name: "shuffled-text",
    description: "the characters of another text dataset in a random order (no order to learn)",
    schema: z.object({
      of: z
        .looseObject({ name: z.string().min(1) })
        .default({ name: "moby-dick" })
        .describe("the text dataset to shuffle: { name, ...options }"),
      seed: z.number().int().default(0),
    }),
    create: async (config): Promise<TextDataset> => {
      const { name, ...options } = config.of;
      const source = await registry.create("dataset", name, options);
      if (source.type !== "text") {
        throw new TrainerError(
          "CONFIG",
          `data.dataset.of: expected a text dataset, got "${name}", a ${source.type} dataset`,
        );
      }
      return {
        type: "text",
        name: "shuffled-text",
        description: `${source.description}, characters shuffled`,
        text: shuffleCharacters(source.text, config.seed),
      };
    },
  });
  return definePlugin({ name: "@recurrent/trainer/datasets", entries: [entry] });
}
