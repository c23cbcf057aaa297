/**
 * `optimPlugin`: every optimizer and schedule of this package as registry
 * entries (see optimizer-entries.ts and schedule-entries.ts), and their
 * types for `registry.create`, declared by augmentation.
 */
import { definePlugin } from "@recurrent/registry";
import {
  adagradEntry,
  adamEntry,
  adamwEntry,
  rmspropEntry,
  sgdEntry,
} from "./optimizer-entries.js";
import {
  chainedEntry,
  constantEntry,
  cosineAnnealingEntry,
  cyclicEntry,
  exponentialEntry,
  lambdaEntry,
  linearEntry,
  multiplicativeEntry,
  multiStepEntry,
  oneCycleEntry,
  polynomialEntry,
  productEntry,
  reduceOnPlateauEntry,
  sequentialEntry,
  stepEntry,
  warmRestartsEntry,
} from "./schedule-entries.js";
import type { Schedule } from "./schedules/schedule.js";
import type { Transform } from "./transform.js";

/**
 * The plugin registering every optimizer and schedule of this package.
 *
 * @example
 * const registry = createRegistry().use(optimPlugin);
 * const tx = registry.create("optimizer", "adam", { lr: 3e-3 });
 * const optimizer = new Optimizer(model.namedParameters(), tx);
 */
export const optimPlugin = definePlugin({
  name: "@recurrent/optim",
  entries: [
    sgdEntry,
    adamEntry,
    adamwEntry,
    rmspropEntry,
    adagradEntry,
    stepEntry,
    multiStepEntry,
    exponentialEntry,
    cosineAnnealingEntry,
    linearEntry,
    reduceOnPlateauEntry,
    constantEntry,
    polynomialEntry,
    multiplicativeEntry,
    lambdaEntry,
    warmRestartsEntry,
    cyclicEntry,
    oneCycleEntry,
    sequentialEntry,
    chainedEntry,
    productEntry,
  ],
});

declare module "@recurrent/registry" {
  interface KindValues {
    optimizer: Transform;
    schedule: Schedule;
  }
  interface OptimizerTypes {
    sgd: typeof sgdEntry;
    adam: typeof adamEntry;
    adamw: typeof adamwEntry;
    rmsprop: typeof rmspropEntry;
    adagrad: typeof adagradEntry;
  }
  interface ScheduleTypes {
    step: typeof stepEntry;
    "multi-step": typeof multiStepEntry;
    exponential: typeof exponentialEntry;
    "cosine-annealing": typeof cosineAnnealingEntry;
    linear: typeof linearEntry;
    "reduce-on-plateau": typeof reduceOnPlateauEntry;
    constant: typeof constantEntry;
    polynomial: typeof polynomialEntry;
    multiplicative: typeof multiplicativeEntry;
    lambda: typeof lambdaEntry;
    "cosine-warm-restarts": typeof warmRestartsEntry;
    cyclic: typeof cyclicEntry;
    "one-cycle": typeof oneCycleEntry;
    sequential: typeof sequentialEntry;
    chained: typeof chainedEntry;
    product: typeof productEntry;
  }
}
