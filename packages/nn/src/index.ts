/**
 * @recurrent/nn — modules, losses, initialisers and checkpoints.
 *
 * `Module` and `Parameter` with PyTorch's dotted names, `Linear`,
 * `Embedding`, `Dropout`, `Sequential`; `crossEntropy`, `mseLoss`, `l1Loss`
 * with masks; PyTorch's initialisers; state dicts and checkpoints in the
 * safetensors format, so weights move both ways with PyTorch. Runs in a
 * browser: files are Uint8Array here, and reading or writing them is the
 * caller's job.
 */

export { backendPlugin } from "./backend-plugin.js";
export type { CheckpointSection } from "./checkpoint.js";
export { Checkpoint } from "./checkpoint.js";
export { crc32 } from "./crc32.js";
export type { DropoutOptions } from "./dropout.js";
export { Dropout, dropout } from "./dropout.js";
export type { EmbeddingOptions } from "./embedding.js";
export { Embedding, embedding } from "./embedding.js";
export type { NnErrorCode, StateDictProblem } from "./errors.js";
export { NnError, SafetensorsError, StateDictError } from "./errors.js";
export type { Fans, Nonlinearity } from "./init/fan.js";
export { calculateGain, computeFans } from "./init/fan.js";
export { forgetGateBias, setForgetGateBias } from "./init/forget-gate.js";
export type { FanMode, Initializer, KaimingOptions } from "./init/initializers.js";
export {
  constantInit,
  kaimingNormal,
  kaimingUniform,
  normal,
  recurrentUniform,
  uniform,
  xavierNormal,
  xavierUniform,
  zerosInit,
} from "./init/initializers.js";
export { orthogonal } from "./init/orthogonal.js";
export type { LinearOptions } from "./linear.js";
export { Linear, linear } from "./linear.js";
export type { CrossEntropyOptions } from "./losses/cross-entropy.js";
export { crossEntropy } from "./losses/cross-entropy.js";
export type { Reduction } from "./losses/reduction.js";
export type { RegressionLossOptions } from "./losses/regression.js";
export { l1Loss, mseLoss } from "./losses/regression.js";
export type { BufferOptions, Layer } from "./module.js";
export { Module } from "./module.js";
export type { RecurrentParameterKind, RecurrentParameterNames } from "./names.js";
export {
  layerParameterName,
  parseRecurrentParameterName,
  recurrentParameterName,
  recurrentParameterNames,
} from "./names.js";
export { isParameter, Parameter } from "./parameter.js";
export type { LossFn } from "./plugin.js";
export { initializerEntries, lossEntries, nnPlugin } from "./plugin.js";
export type { SafetensorsContents } from "./safetensors.js";
export { loadSafetensors, saveSafetensors } from "./safetensors.js";
export type { SequentialLayer } from "./sequential.js";
export { Sequential } from "./sequential.js";
export type { LoadStateDictOptions, LoadStateDictResult } from "./state-dict.js";
