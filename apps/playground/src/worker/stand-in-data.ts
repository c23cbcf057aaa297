/**
 * A checkpoint from `recurrent train` may name data the page cannot rebuild:
 * the whole of Moby Dick, a text file on the user's disk. Generating needs
 * none of it (the checkpoint holds the fitted tokenizer and the weights), but
 * the trainer's session builds its task from a dataset. So the page swaps in
 * a stand-in made of the tokenizer's own vocabulary, long enough to cut into
 * the configured batches, and marks the session generation-only: it is not
 * trained, evaluated or saved, since its splits are not the real data.
 */
import { Tokenizer, type TokenizerJSON } from "@recurrent/data";
import type { Json, Registry } from "@recurrent/registry";

/** Datasets the page cannot rebuild, by the shape of their data. */
const textual = new Set(["moby-dick", "text-file"]);
const lines = new Set(["lines-file"]);

export interface StandIn {
  readonly config: Json;
  /** What the page says instead of the data's own description. */
  readonly note: string;
}

/** The config with a stand-in dataset, or null when the page can build the real one. */
export function standInFor(
  config: Json,
  registry: Registry,
  tokenizer: TokenizerJSON | undefined,
): StandIn | null {
  const data = config.data as Json;
  const dataset = data.dataset as Json;
  const name = dataset.name as string;
  const canBuild = registry.list("dataset").some((e) => e.name === name) && !("path" in dataset);
  if (canBuild) return null;
  if (tokenizer === undefined || !(textual.has(name) || lines.has(name))) {
    throw new Error(
      `load: the checkpoint trained on data.dataset "${name}", which this page cannot rebuild; it can generate from text and line datasets (moby-dick, text-file, lines-file) and rebuild ${registry
        .list("dataset")
        .map((e) => e.name)
        .join(", ")}`,
    );
  }
  const vocabulary = Tokenizer.fromJSON(tokenizer).vocabulary.toArray().slice(4); // after <pad> <unk> <bos> <eos>
  const train = (config.train as Json | undefined) ?? {};
  const batch = Number(train.batchSize ?? 32);
  const bptt = Number(train.bptt ?? 64);
  // Every split, even the smallest share, must hold a few batches.
  const count = Math.max(20_000, 40 * batch * (bptt + 1));
  const tokens = Array.from(
    { length: count },
    (_, i) => vocabulary[i % vocabulary.length] as string,
  );
  const separator = tokenizer.kind === "word" ? " " : "";
  const label = `a stand-in for ${name} (generation only)`;
  const standIn = textual.has(name)
    ? { name: "inline-text", text: tokens.join(separator), label }
    : {
        name: "inline-lines",
        items: Array.from({ length: 2000 }, (_, i) =>
          tokens.slice(i % 50, (i % 50) + 6).join(separator),
        ),
        label,
      };
  return {
    config: { ...config, data: { ...data, dataset: standIn } },
    note: `trained on ${name}, which the page cannot rebuild: generation only`,
  };
}
