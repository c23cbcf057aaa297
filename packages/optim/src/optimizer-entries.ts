/**
 * The optimizer entries of the registry (kind `optimizer`): zod schemas with
 * PyTorch 1.13's defaults, the bounds the factories check, and a description
 * per option, so a trainer config fails before training starts. Each entry
 * creates a pure `Transform` for an `Optimizer` to drive.
 */
import { defineEntry, z } from "@recurrent/registry";
import { adagrad } from "./adagrad.js";
import { adam } from "./adam.js";
import { adamw } from "./adamw.js";
import { rmsprop } from "./rmsprop.js";
import { sgd } from "./sgd.js";

const lr = (fallback: number) => z.number().min(0).default(fallback).describe("learning rate");
const weightDecay = (fallback: number, what: string) =>
  z.number().min(0).default(fallback).describe(what);
const maximize = z
  .boolean()
  .default(false)
  .describe("ascend the objective instead of descending it");
const eps = (fallback: number) =>
  z.number().min(0).default(fallback).describe("added to the denominator for numerical stability");
const adamShape = (decay: number, what: string) => ({
  lr: lr(1e-3),
  betas: z
    .tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)])
    .default([0.9, 0.999])
    .describe("decay rates (beta1, beta2) of the first and second moment averages"),
  eps: eps(1e-8),
  weightDecay: weightDecay(decay, what),
  amsgrad: z
    .boolean()
    .default(false)
    .describe("use the running maximum of the second moment (AMSGrad)"),
  maximize,
});

export const sgdEntry = defineEntry({
  kind: "optimizer",
  name: "sgd",
  description:
    "stochastic gradient descent with momentum, dampening, Nesterov and weight decay (torch.optim.SGD)",
  schema: z
    .object({
      lr: z.number().min(0).describe("learning rate (required, as in PyTorch)"),
      momentum: z.number().min(0).default(0).describe("momentum factor"),
      dampening: z.number().default(0).describe("dampening of the momentum"),
      weightDecay: weightDecay(0, "L2 penalty added to the gradient"),
      nesterov: z
        .boolean()
        .default(false)
        .describe("Nesterov momentum (needs momentum > 0 and dampening 0)"),
      maximize,
    })
    .superRefine((c, ctx) => {
      if (c.nesterov && (c.momentum <= 0 || c.dampening !== 0)) {
        ctx.addIssue({
          code: "custom",
          path: ["nesterov"],
          message: `requires momentum > 0 and dampening = 0 (momentum is ${c.momentum}, dampening is ${c.dampening})`,
        });
      }
    }),
  create: (config) => sgd(config),
});

export const adamEntry = defineEntry({
  kind: "optimizer",
  name: "adam",
  description: "Adam, with AMSGrad and L2 weight decay (torch.optim.Adam)",
  schema: z.object(adamShape(0, "L2 penalty added to the gradient")),
  create: (config) => adam(config),
});

export const adamwEntry = defineEntry({
  kind: "optimizer",
  name: "adamw",
  description: "Adam with decoupled weight decay (torch.optim.AdamW)",
  schema: z.object(
    adamShape(1e-2, "decoupled weight decay: p shrinks by lr·weightDecay each step"),
  ),
  create: (config) => adamw(config),
});

export const rmspropEntry = defineEntry({
  kind: "optimizer",
  name: "rmsprop",
  description: "RMSprop, centered or not, with momentum (torch.optim.RMSprop)",
  schema: z.object({
    lr: lr(1e-2),
    alpha: z
      .number()
      .min(0)
      .default(0.99)
      .describe("smoothing constant of the squared-gradient average"),
    eps: eps(1e-8),
    weightDecay: weightDecay(0, "L2 penalty added to the gradient"),
    momentum: z.number().min(0).default(0).describe("momentum factor"),
    centered: z.boolean().default(false).describe("normalise by the gradient's estimated variance"),
    maximize,
  }),
  create: (config) => rmsprop(config),
});

export const adagradEntry = defineEntry({
  kind: "optimizer",
  name: "adagrad",
  description: "Adagrad (torch.optim.Adagrad)",
  schema: z.object({
    lr: lr(1e-2),
    lrDecay: z.number().min(0).default(0).describe("step t uses lr / (1 + (t - 1)·lrDecay)"),
    weightDecay: weightDecay(0, "L2 penalty added to the gradient"),
    initialAccumulatorValue: z
      .number()
      .min(0)
      .default(0)
      .describe("starting value of the sum of squared gradients"),
    eps: eps(1e-10),
    maximize,
  }),
  create: (config) => adagrad(config),
});
