/**
 * A run as a folder PyTorch continues from (`recurrent export --format
 * pytorch`):
 *
 *   model.safetensors      the weights, plain PyTorch keys (`recurrent.weight_ih_l0`, …)
 *   model.py               RecurrentModel: nn.Embedding / nn.LSTM|GRU|RNN / nn.Linear, our forward
 *   optimizer.safetensors  torch.optim state (see torch-optimizer.ts)
 *   config.json            sizes, optimizer, clip, data plan, for model.py and train.py
 *   data.safetensors       the training and validation ids, and the state carried into the next batch
 *   tokenizer.json         (or scaler.json) as the trainer saved it
 *   recurrent.json         the trainer's own config, for `recurrent import … --config`
 *   train.py               continue training, also under torchrun (DistributedDataParallel)
 *
 * The data plan is the trainer's sequential batching (batch size, bptt,
 * position, and each epoch's offset, drawn here by the same code the
 * trainer draws them with), so train.py feeds the same batches.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cellCapabilities, type TorchModule } from "@recurrent/cells";
import { sequentialBatches } from "@recurrent/data";
import { saveSafetensors } from "@recurrent/nn";
import { type Tensor, tensor } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import type { Session } from "./session.js";
import { savedData } from "./task.js";
import { torchOptimizerOf, torchOptions, toTorchOptimizer } from "./torch-optimizer.js";

/** Epochs whose offsets are written (train.py draws its own after them). */
const plannedEpochs = 200;

/** The Python files shipped with the trainer, copied into each export. */
const pythonFile = (name: string) => new URL(`../python/${name}`, import.meta.url);

/**
 * What cannot go to PyTorch, as one message (before anything is written);
 * else the torch.nn module the cell declares (its `torchModule` capability).
 */
export function checkPytorchExport(session: Session): TorchModule {
  const { definition, config } = session.model.recurrent.cell;
  const where = "export --format pytorch";
  const torchModule = cellCapabilities(definition).torchModule;
  if (torchModule === null) {
    throw new TrainerError(
      "UNSUPPORTED",
      `${where}: cell "${definition.name}" has no torch.nn module; rnn, lstm and gru export as nn.RNN, nn.LSTM and nn.GRU`,
    );
  }
  if (torchModule === "GRU" && config.resetAfter === false) {
    throw new TrainerError(
      "UNSUPPORTED",
      `${where}: a GRU with resetAfter false (the d2l/Keras form) is not torch.nn.GRU, which applies the reset gate after the recurrent product`,
    );
  }
  if ((typeof config.projSize === "number" && config.projSize > 0) || config.bias === false) {
    throw new TrainerError(
      "UNSUPPORTED",
      `${where}: projSize and bias: false are not exported yet; got ${JSON.stringify({ projSize: config.projSize, bias: config.bias })}`,
    );
  }
  torchOptimizerOf(session.config.optimizer.name, where);
  return torchModule;
}

/** Write the folder; returns the files written. */
export function writePytorchExport(session: Session, out: string): string[] {
  const torchModule = checkPytorchExport(session);
  const { model, task, config } = session;
  const recurrent = model.recurrent;
  const cellConfig = recurrent.cell.config;
  const stateParts = Object.keys(model.initialState(1));
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const write = (name: string, data: string | Uint8Array) => {
    writeFileAtomic(join(out, name), data);
    written.push(name);
  };

  const names = model.namedParameters().map(([name]) => name);
  const hyper = {
    ...(session.optimizer.stateDict().json as { hyper: Record<string, unknown> }).hyper,
  };
  hyper.lr = session.optimizer.lr; // the rate in force now (a schedule may have moved it)
  write("model.safetensors", saveSafetensors(model.stateDict()));
  write("optimizer.safetensors", toTorchOptimizer(session.optimizer.stateDict(), names));

  const data: Record<string, Tensor> = {};
  let plan: Record<string, unknown> | null = null;
  if (
    task.kind === "language-model" &&
    task.ids !== null &&
    config.train.batching === "sequential"
  ) {
    const { batchSize, bptt, seed } = config.train;
    const offsets: number[] = [];
    const stream = sequentialBatches(task.ids.train, { batchSize, numSteps: bptt, seed });
    for (let epoch = 0; epoch < plannedEpochs; epoch++) {
      stream.seek({ epoch, batch: 0 });
      const batch = stream.nextBatch();
      offsets.push(batch.starts[0] as number);
      batch.inputs.dispose();
      batch.targets.dispose();
    }
    const needed = batchSize * bptt + 1;
    plan = {
      batchSize,
      bptt,
      seed,
      position: task.train.position,
      offsets,
      maxOffset: Math.min(bptt - 1, task.ids.train.length - needed),
    };
    data.train = idsTensor(task.ids.train);
    data.validation = idsTensor(task.ids.validation);
    for (const [part, value] of Object.entries(session.carried ?? {}))
      data[`state.${part}`] = value;
  }
  write("data.safetensors", saveSafetensors(data));

  const input = model.input;
  const pythonConfig = {
    format: "recurrent-pytorch-export@1",
    model: {
      cell: torchModule.toLowerCase(), // model.py's key: "rnn", "lstm" or "gru"
      hidden: recurrent.outputSize,
      layers: recurrent.numLayers,
      bidirectional: recurrent.directions === 2,
      dropout: recurrent.dropout,
      ...(cellConfig.nonlinearity === undefined ? {} : { nonlinearity: cellConfig.nonlinearity }),
      input,
      outputSize: model.outputSize,
      stateParts,
    },
    optimizer: {
      name: config.optimizer.name,
      torch: torchOptimizerOf(config.optimizer.name, "export").torch,
      torchOptions: torchOptions(config.optimizer.name, hyper),
    },
    train: { step: session.step, clip: config.train.clip, schedule: config.schedule?.name ?? null },
    data: plan,
  };
  write("config.json", `${JSON.stringify(pythonConfig, null, 2)}\n`);
  write("recurrent.json", `${JSON.stringify(config, null, 2)}\n`);
  const saved = savedData(task);
  if (saved.tokenizer !== undefined)
    write("tokenizer.json", `${JSON.stringify(saved.tokenizer, null, 2)}\n`);
  if (saved.scaler !== undefined && saved.scaler !== null) {
    write("scaler.json", `${JSON.stringify(saved.scaler, null, 2)}\n`);
  }
  for (const file of ["model.py", "train.py"]) write(file, readFileSync(pythonFile(file), "utf8"));
  return written;
}

function idsTensor(ids: Int32Array): Tensor {
  return tensor(ids, { shape: [ids.length], dtype: "int32" });
}
