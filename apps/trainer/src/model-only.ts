/**
 * A language model back from its checkpoint alone: the tokenizer saved in
 * the checkpoint's data section is all `generate` needs, so it works when
 * the training text has moved, changed or been deleted, and never reads a
 * large corpus just to sample from a model. Checkpoints from before the
 * framing was recorded return null (the caller builds the full session).
 */
import type { SequenceModel } from "@recurrent/cells";
import type { Dataset } from "@recurrent/data";
import type { Checkpoint } from "@recurrent/nn";
import { StateDictError } from "@recurrent/nn";
import type { Registry } from "@recurrent/registry";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import { requireFinite } from "./finite-weights.js";
import { buildModel } from "./model.js";
import type { SavedData, TokenTask } from "./task.js";
import type { TrainStream } from "./train-stream.js";

/** The train stream of a model loaded only to run: asking it for a batch is a bug, said plainly. */
const noTraining: TrainStream = {
  statePolicy: "reset",
  position: { epoch: 0, batch: 0 },
  seek() {},
  next() {
    throw new TrainerError(
      "UNSUPPORTED",
      "a model loaded from a checkpoint to run has no training data",
    );
  },
};

export function languageModelFromCheckpoint(
  config: TrainerConfig,
  registry: Registry,
  checkpoint: Checkpoint,
): { model: SequenceModel; task: TokenTask } | null {
  const saved = checkpoint.has("data") ? checkpoint.json<SavedData>("data") : undefined;
  if (saved?.tokenizer === undefined || saved.framing === undefined) return null;
  const recipe = registry.createEntry("tokenizer", config.data.tokenizer);
  const tokenizer = recipe.fromJSON(saved.tokenizer);
  // The data itself is not needed (nor read) to run a trained model: an empty stand-in names it.
  const about = {
    name: config.data.dataset.name,
    description: `the tokenizer of ${config.data.dataset.name}`,
  };
  const dataset: Dataset =
    saved.framing === "sequences"
      ? { type: "sequences", ...about, items: [] }
      : { type: "text", ...about, text: "" };
  const task: TokenTask = {
    kind: "language-model",
    source: saved.framing,
    dataset,
    description: dataset.description,
    vocab: tokenizer.vocabularySize,
    unit: tokenizer.kind,
    tokenizer,
    ids: null,
    sequences: null,
    encode: (text) => tokenizer.encode(text),
    decode: (ids) => tokenizer.decode(ids),
    train: noTraining, // never trained: no data stream
  };
  const model = buildModel(config, registry, task);
  const weights = checkpoint.tensors("model");
  requireFinite("model", weights);
  try {
    model.loadStateDict(weights);
  } catch (error) {
    if (error instanceof StateDictError) {
      throw new TrainerError(
        "CHECKPOINT",
        `the checkpoint does not match the model this config builds (${config.model.cell.name}, ${config.model.layers} layer(s)); was the model section of the config changed?\n${error.message}`,
      );
    }
    throw error;
  }
  return { model, task };
}
