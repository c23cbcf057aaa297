/**
 * Optimizer state between our form and PyTorch's, both ways. Ours is keyed
 * by parameter name with camelCase fields (`state["head.weight"].expAvg`);
 * torch.optim's `state_dict()` is keyed by the parameter's position in
 * `model.parameters()` with snake_case fields (`state[5]["exp_avg"]`) plus
 * `param_groups`. On disk (optimizer.safetensors) a torch state is the
 * tensors `state.<index>.<field>` and the metadata string `param_groups`
 * (JSON); model.py's `load_optimizer_state` turns that into exactly the dict
 * `torch.optim.*.load_state_dict` takes. The tables below are the one place
 * the names are matched.
 */
import { loadSafetensors, saveSafetensors } from "@recurrent/nn";
import { type Json, readJson, type StateDict, stateFormats, toJson } from "@recurrent/optim";
import { type Tensor, tensor } from "@recurrent/tensor";
import { TrainerError } from "./errors.js";

interface TorchOptimizer {
  /** The torch.optim class (model.py's OPTIMIZERS key). */
  readonly torch: string;
  /** Our hyper-parameter → torch's keyword. */
  readonly options: Readonly<Record<string, string>>;
  /** Our per-parameter field → torch's state key (`step` is a number in ours, a tensor in torch's). */
  readonly fields: Readonly<Record<string, string>>;
  /** Fields that start as zeros (the rest start as null, or 0 for `step`). */
  readonly zeros: readonly string[];
}

const adamLike = (torch: string): TorchOptimizer => ({
  torch,
  options: {
    lr: "lr",
    betas: "betas",
    eps: "eps",
    weightDecay: "weight_decay",
    amsgrad: "amsgrad",
    maximize: "maximize",
  },
  fields: {
    step: "step",
    expAvg: "exp_avg",
    expAvgSq: "exp_avg_sq",
    maxExpAvgSq: "max_exp_avg_sq",
  },
  zeros: ["expAvg", "expAvgSq"],
});

export const torchOptimizers: Readonly<Record<string, TorchOptimizer>> = {
  adam: adamLike("adam"),
  adamw: adamLike("adamw"),
  sgd: {
    torch: "sgd",
    options: {
      lr: "lr",
      momentum: "momentum",
      dampening: "dampening",
      weightDecay: "weight_decay",
      nesterov: "nesterov",
      maximize: "maximize",
    },
    fields: { momentumBuffer: "momentum_buffer" },
    zeros: [],
  },
};

/** The torch mapping of an optimizer, or a clear refusal. */
export function torchOptimizerOf(name: string, where: string): TorchOptimizer {
  const found = torchOptimizers[name];
  if (found === undefined) {
    throw new TrainerError(
      "UNSUPPORTED",
      `${where}: optimizer "${name}" has no PyTorch mapping yet; supported: ${Object.keys(torchOptimizers).join(", ")} (switch with --set optimizer.name=adam and resume first)`,
    );
  }
  return found;
}

interface OurRecord {
  transform: string;
  hyper: Record<string, unknown>;
  state: Record<string, Record<string, unknown>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An Optimizer's saved json, checked field by field. */
function ourRecord(json: unknown): OurRecord {
  const where = "export --optimizer";
  const record = readJson(where, json, stateFormats.optimizer);
  const { transform, hyper, state } = record;
  if (typeof transform !== "string" || !isRecord(hyper) || !isRecord(state)) {
    throw new TrainerError(
      "CHECKPOINT",
      `${where}: expected the optimizer state's json to hold transform (a string), hyper and state (objects), got ${Object.keys(record).join(", ")}`,
    );
  }
  const perParameter: Record<string, Record<string, unknown>> = {};
  for (const [name, entry] of Object.entries(state)) {
    if (!isRecord(entry)) {
      throw new TrainerError("CHECKPOINT", `${where}: state.${name}: expected an object`);
    }
    perParameter[name] = entry;
  }
  return { transform, hyper, state: perParameter };
}

/** torch's keyword arguments for the optimizer (what model.py's make_optimizer passes). */
export function torchOptions(
  name: string,
  hyper: Record<string, unknown>,
): Record<string, unknown> {
  const mapping = torchOptimizerOf(name, "export");
  const out: Record<string, unknown> = {};
  for (const [ours, theirs] of Object.entries(mapping.options)) {
    if (hyper[ours] !== undefined) out[theirs] = hyper[ours];
  }
  return out;
}

/**
 * Our optimizer state dict → optimizer.safetensors bytes in torch's form.
 * `names` are the parameters in `model.parameters()` order.
 */
export function toTorchOptimizer(saved: StateDict, names: readonly string[]): Uint8Array {
  const record = ourRecord(saved.json);
  const mapping = torchOptimizerOf(record.transform, "export");
  const tensors: Record<string, Tensor> = {};
  names.forEach((name, index) => {
    const state = record.state[name];
    if (state === undefined) return; // no step taken yet: torch has no entry either
    for (const [ours, theirs] of Object.entries(mapping.fields)) {
      const value = state[ours];
      if (value === null || value === undefined) continue;
      if (typeof value === "number") {
        tensors[`state.${index}.${theirs}`] = tensor(Float32Array.of(value), { shape: [] });
      } else {
        const ref = (value as { $tensor: string }).$tensor;
        const found = saved.tensors[ref];
        if (found === undefined) throw new Error(`optimizer state: tensor "${ref}" is missing`);
        tensors[`state.${index}.${theirs}`] = found;
      }
    }
  });
  const group = {
    ...torchOptions(record.transform, record.hyper),
    params: names.map((_, i) => i),
  };
  return saveSafetensors(tensors, {
    param_groups: JSON.stringify([group]),
    param_names: JSON.stringify(names),
  });
}

/**
 * optimizer.safetensors in torch's form → our state dict for `transform`,
 * with `hyper` as the config resolved it (torch's param_groups override the
 * values they hold). Problems are listed all at once.
 */
export function fromTorchOptimizer(
  bytes: Uint8Array,
  transform: string,
  hyper: Record<string, unknown>,
  names: readonly string[],
  shapes: ReadonlyMap<string, readonly number[]>,
): StateDict {
  const where = "import --optimizer";
  const mapping = torchOptimizerOf(transform, where);
  const { tensors, metadata } = loadSafetensors(bytes);
  let groups: Record<string, unknown>[];
  try {
    groups = JSON.parse(metadata.param_groups ?? "");
  } catch {
    throw new TrainerError(
      "CHECKPOINT",
      `${where}: expected the metadata "param_groups" (JSON) of a torch optimizer state, got ${JSON.stringify(metadata.param_groups ?? null)}`,
    );
  }
  if (!Array.isArray(groups) || groups.length !== 1) {
    throw new TrainerError(
      "CHECKPOINT",
      `${where}: expected one param group, got ${Array.isArray(groups) ? groups.length : typeof groups}`,
    );
  }
  const group = groups[0] as Record<string, unknown>;
  const mergedHyper: Record<string, Json> = {};
  for (const [key, value] of Object.entries(hyper)) {
    if (value !== undefined) mergedHyper[key] = toJson(value, `hyper.${key}`);
  }
  for (const [ours, theirs] of Object.entries(mapping.options)) {
    if (group[theirs] !== undefined)
      mergedHyper[ours] = toJson(group[theirs], `param_groups.${theirs}`);
  }
  const problems: string[] = [];
  const out: Record<string, Tensor> = {};
  const state: Record<string, Record<string, Json>> = {};
  const used = new Set<string>();
  names.forEach((name, index) => {
    const entry: Record<string, Json> = {};
    const shape = shapes.get(name) ?? [];
    for (const [ours, theirs] of Object.entries(mapping.fields)) {
      const key = `state.${index}.${theirs}`;
      const found = tensors[key];
      if (found === undefined) {
        // torch keeps no state before a parameter's first step: ours starts fresh.
        if (ours === "step") entry[ours] = 0;
        else if (mapping.zeros.includes(ours)) {
          const ref = `state.${name}.${ours}`;
          out[ref] = tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), {
            shape: [...shape],
          });
          entry[ours] = { $tensor: ref };
        } else entry[ours] = null;
        continue;
      }
      used.add(key);
      if (ours === "step") {
        entry[ours] = found.data()[0] ?? 0;
        continue;
      }
      if (found.shape.join() !== shape.join()) {
        problems.push(
          `${key} (${name}) is [${found.shape.join(", ")}], expected [${shape.join(", ")}]`,
        );
        continue;
      }
      const ref = `state.${name}.${ours}`;
      out[ref] =
        found.dtype === "float32"
          ? found
          : tensor(Float32Array.from(found.data()), { shape: [...shape] });
      entry[ours] = { $tensor: ref };
    }
    state[name] = entry;
  });
  for (const key of Object.keys(tensors)) {
    if (!used.has(key))
      problems.push(`${key} is not a state of any of the ${names.length} parameters`);
  }
  if (problems.length > 0) {
    throw new TrainerError(
      "CHECKPOINT",
      `${where}: the optimizer state does not fit the model:\n  ${problems.join("\n  ")}`,
    );
  }
  return {
    tensors: out,
    json: { format: stateFormats.optimizer, transform, hyper: mergedHyper, state },
  };
}
