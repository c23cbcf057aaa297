/**
 * @recurrent/optim — optimizers, gradient clipping and learning-rate
 * schedules for recurrent.
 *
 * Each optimizer is a pure transform (`init`, `update`) over flat arrays
 * keyed by parameter name, matching PyTorch 1.13 step for step; `Optimizer`
 * is the thin stateful shell over tensors with `step`, `zeroGrad`,
 * `stateDict` and `loadStateDict`. Schedules are pure too, driven by
 * `Scheduler`. Everything is registered through `optimPlugin`.
 */

export type { AdagradHyper, AdagradOptions, AdagradParamState, AdagradState } from "./adagrad.js";
export { adagrad } from "./adagrad.js";
export type { AdamHyper, AdamOptions, AdamParamState, AdamState } from "./adam.js";
export { adam } from "./adam.js";
export type { AdamWOptions } from "./adamw.js";
export { adamw } from "./adamw.js";
export type { AnyTransform, ChainHyper, ChainState } from "./chain.js";
export { chain } from "./chain.js";
export type { ClipGradNormOptions } from "./clip.js";
export { clipGradNorm, clipGradValue, gradNorm } from "./clip.js";
export type {
  ClipByGlobalNormHyper,
  ClipByGlobalNormOptions,
  ClipByValueHyper,
  ClipByValueOptions,
  ClipState,
} from "./clip-transforms.js";
export { clipByGlobalNorm, clipByValue } from "./clip-transforms.js";
export type { OptimErrorCode } from "./errors.js";
export { OptimError } from "./errors.js";
export { Optimizer } from "./optimizer.js";
export {
  adagradEntry,
  adamEntry,
  adamwEntry,
  rmspropEntry,
  sgdEntry,
} from "./optimizer-entries.js";
export type { ParamsInput } from "./params.js";
export type { PerParamState } from "./per-param.js";
export { optimPlugin } from "./plugin.js";
export type { RmspropHyper, RmspropOptions, RmspropParamState, RmspropState } from "./rmsprop.js";
export { rmsprop } from "./rmsprop.js";
export {
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
export type {
  AnySchedule,
  ChainedLrOptions,
  ChainedState,
  SequentialLrOptions,
  SequentialState,
} from "./schedules/compose.js";
export { chainedLr, productLr, sequentialLr } from "./schedules/compose.js";
export type { ConstantLrOptions } from "./schedules/constant.js";
export { constantLr } from "./schedules/constant.js";
export type { CosineAnnealingLrOptions } from "./schedules/cosine-annealing.js";
export { cosineAnnealingLr } from "./schedules/cosine-annealing.js";
export type { CyclicLrOptions } from "./schedules/cyclic.js";
export { cyclicLr } from "./schedules/cyclic.js";
export type { ExponentialLrOptions, MultiStepLrOptions, StepLrOptions } from "./schedules/decay.js";
export { exponentialLr, multiStepLr, stepLr } from "./schedules/decay.js";
export type { LambdaLrOptions, MultiplicativeLrOptions } from "./schedules/lambda.js";
export { lambdaLr, multiplicativeLr } from "./schedules/lambda.js";
export type { LinearLrOptions } from "./schedules/linear.js";
export { linearLr } from "./schedules/linear.js";
export type { OneCycleLrOptions } from "./schedules/one-cycle.js";
export { oneCycleLr } from "./schedules/one-cycle.js";
export type { PolynomialLrOptions } from "./schedules/polynomial.js";
export { polynomialLr } from "./schedules/polynomial.js";
export type {
  PlateauState,
  ReduceLrOnPlateauHyper,
  ReduceLrOnPlateauOptions,
} from "./schedules/reduce-on-plateau.js";
export { reduceLrOnPlateau } from "./schedules/reduce-on-plateau.js";
export type {
  ClosedFormExtras,
  ClosedFormSchedule,
  Recurrence,
  Schedule,
  ScheduleState,
} from "./schedules/schedule.js";
export { closedForm } from "./schedules/schedule.js";
export type { LrTarget } from "./schedules/scheduler.js";
export { Scheduler } from "./schedules/scheduler.js";
export type { CosineAnnealingWarmRestartsOptions } from "./schedules/warm-restarts.js";
export { cosineAnnealingWarmRestarts } from "./schedules/warm-restarts.js";
export type { SgdHyper, SgdOptions, SgdParamState, SgdState } from "./sgd.js";
export { sgd } from "./sgd.js";
export type { Json, SavedState, StateDict } from "./state-dict.js";
export { FORMAT as stateFormats, readJson, toJson } from "./state-dict.js";
export type { FloatArray, NamedArrays, Transform, UpdateResult } from "./transform.js";
export { applyUpdates } from "./transform.js";
