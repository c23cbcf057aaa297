/**
 * @recurrent/cells — the note's ladder of sequence models as cells, the
 * contract for writing your own, and the runner that unrolls any cell over
 * time (stacked, bidirectional, masked, full or truncated BPTT), with a
 * fused whole-sequence path derived from any cell's step.
 */

export type { Initializer } from "@recurrent/nn";
export type {
  CellCapabilities,
  CellCapabilitiesSpec,
  ExactFit,
  HiddenMeaning,
  InputPreference,
  TorchModule,
} from "./capabilities.js";
export { cellCapabilities, defaultCapabilities, takesSharedHidden } from "./capabilities.js";
export type {
  Cell,
  CellConfig,
  CellContext,
  CellDefinition,
  CellParams,
  CellSchema,
  CellSpec,
  CellState,
  FusedRequest,
  FusedResult,
  ParamSpec,
} from "./cell.js";
export { createCell, defineCell, isCellDefinition } from "./cell.js";
export { ar } from "./cells/ar.js";
export { gru } from "./cells/gru.js";
export { latentAr } from "./cells/latent-ar.js";
export { lstm } from "./cells/lstm.js";
export { markov } from "./cells/markov.js";
export { rnn } from "./cells/rnn.js";
export { gradcheckDerived } from "./compile/gradcheck-derived.js";
export type { DerivedPathStatus } from "./compile/plan.js";
export { derivedPathStatus } from "./compile/plan.js";
export type { CellErrorCode } from "./errors.js";
export { CellError } from "./errors.js";
export type { FusedSupport } from "./fused-support.js";
export { formatFusedSupport, fusedSupport } from "./fused-support.js";
export type {
  GradientFlowOptions,
  GradientFlowPoint,
  GradientFlowRecorderOptions,
  GradientFlowReport,
  StepObservable,
} from "./gradient-flow.js";
export { GradientFlowRecorder, gradientFlow, normsOverTime } from "./gradient-flow.js";
export { linearDefault } from "./init.js";
export type { LengthsOptions } from "./lengths.js";
export { lengthsToMask } from "./lengths.js";
export type { CountTransitionsOptions, TransitionTable } from "./markov-counts.js";
export { countTransitions, loadMarkovTable } from "./markov-counts.js";
export { builtInCells, cellsPlugin } from "./plugin.js";
export type { ForwardOptions, RecurrentOptions, RecurrentResult } from "./recurrent.js";
export { Recurrent } from "./recurrent.js";
export type { Rollout } from "./rollout.js";
export { createRollout, rolloutUnavailable } from "./rollout.js";
export type { RunOptions } from "./runner.js";
export { detachState, runSteps } from "./runner.js";
export type {
  SequenceInput,
  SequenceModelOptions,
  SequenceModelResult,
} from "./sequence-model.js";
export { SequenceModel } from "./sequence-model.js";
export type { StepperOptions } from "./stepper.js";
export { Stepper } from "./stepper.js";
