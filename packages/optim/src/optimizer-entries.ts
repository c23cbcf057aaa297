/**
 * The optimizer entries of the registry (kind `optimizer`): each reuses the
 * schema declared next to its factory (PyTorch 1.13's defaults, bounds and a
 * description per option), so a trainer config fails before training starts. Each entry
 * creates a pure `Transform` for an `Optimizer` to drive.
 */
import { defineEntry } from "@recurrent/registry";
import { adagrad, adagradSchema } from "./adagrad.js";
import { adam, adamSchema, adamwSchema } from "./adam.js";
import { adamw } from "./adamw.js";
import { rmsprop, rmspropSchema } from "./rmsprop.js";
import { sgd, sgdSchema } from "./sgd.js";

export const sgdEntry = defineEntry({
  kind: "optimizer",
  name: "sgd",
  description:
    "stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)",
  schema: sgdSchema,
  create: (config) => sgd(config),
});

export const adamEntry = defineEntry({
  kind: "optimizer",
  name: "adam",
  description: "Adam, with AMSGrad and L2 weight decay (torch.optim.Adam)",
  schema: adamSchema,
  create: (config) => adam(config),
});

export const adamwEntry = defineEntry({
  kind: "optimizer",
  name: "adamw",
  description: "Adam with decoupled weight decay (torch.optim.AdamW)",
  schema: adamwSchema,
  create: (config) => adamw(config),
});

export const rmspropEntry = defineEntry({
  kind: "optimizer",
  name: "rmsprop",
  description: "RMSprop, centered or not, with momentum (torch.optim.RMSprop)",
  schema: rmspropSchema,
  create: (config) => rmsprop(config),
});

export const adagradEntry = defineEntry({
  kind: "optimizer",
  name: "adagrad",
  description: "Adagrad (torch.optim.Adagrad)",
  schema: adagradSchema,
  create: (config) => adagrad(config),
});
