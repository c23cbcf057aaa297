/**
 * The model of a config: input encoding → `Recurrent` over the configured
 * cell → `Linear` head at every step (`SequenceModel` from
 * @recurrent/cells), with the cell, its options and any initializers
 * resolved through the registry. State-dict keys are PyTorch's
 * (`recurrent.weight_ih_l0`, `head.weight`, …).
 */
import { type SequenceInput, SequenceModel } from "@recurrent/cells";
import type { Registry } from "@recurrent/registry";
import { Generator } from "@recurrent/tensor";
import { capabilitiesOf } from "./cell-capabilities.js";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import type { Task } from "./task.js";

/** How the task's inputs reach the first layer: as configured, or as the cell prefers (`auto`). */
export function inputOf(config: TrainerConfig, task: Task, registry: Registry): SequenceInput {
  if (task.kind === "forecast") return { kind: "features", size: 1 };
  if (task.kind === "long-range" && task.inputs === "values") {
    return { kind: "features", size: task.features };
  }
  const choice = config.model.input;
  const oneHot =
    choice === "one-hot" ||
    (choice === "auto" && capabilitiesOf(registry, config.model.cell.name).input === "one-hot");
  return oneHot
    ? { kind: "one-hot", vocab: task.vocab }
    : { kind: "embedding", vocab: task.vocab, size: config.model.embeddingSize };
}

export function buildModel(config: TrainerConfig, registry: Registry, task: Task): SequenceModel {
  const cell = registry.createEntry("cell", config.model.cell);
  const model = new SequenceModel(cell, {
    input: inputOf(config, task, registry),
    outputSize:
      task.kind === "forecast" ? 1 : task.kind === "long-range" ? task.outputSize : task.vocab,
    numLayers: config.model.layers,
    dropout: config.model.dropout,
    seed: config.train.seed,
  });
  applyInitializers(model, config, registry);
  return model;
}

/** `*` matches any run of characters; everything else is literal. */
function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** Re-initialise the parameters `model.init` names, in the order the patterns are written. */
function applyInitializers(model: SequenceModel, config: TrainerConfig, registry: Registry): void {
  const generator = new Generator(config.train.seed + 101);
  const parameters = model.namedParameters();
  for (const [pattern, entry] of Object.entries(config.model.init)) {
    const initializer = registry.createEntry("initializer", entry);
    const matcher = patternToRegExp(pattern);
    const matched = parameters.filter(([key]) => matcher.test(key));
    if (matched.length === 0) {
      const names = parameters.map(([key]) => key).join(", ");
      throw new TrainerError(
        "CONFIG",
        `model.init: pattern ${JSON.stringify(pattern)} matches no parameter; parameters: ${names}`,
      );
    }
    for (const [, parameter] of matched) {
      const dtype = parameter.dtype === "float64" ? "float64" : "float32";
      parameter.assign(initializer(parameter.shape, generator, dtype));
    }
  }
}

/** Parameters, counted. */
export function parameterCount(model: SequenceModel): number {
  let total = 0;
  for (const parameter of model.parameters()) total += parameter.size;
  return total;
}
