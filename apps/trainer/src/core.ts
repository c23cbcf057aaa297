/**
 * The trainer's browser-safe core, for the playground (apps/playground) to
 * build on rather than copy: config resolution, tasks, models, the training
 * session and its checkpoint format, evaluation, sampling and the
 * gradient-flow measurement. Everything here runs in a Web Worker; the
 * Node-only parts (files, run directories, plugins from disk, the command
 * line) stay out of it.
 */
export {
  type EntryConfig,
  resolveConfig,
  runName,
  type TrainerConfig,
  trainerConfigSchema,
  withEntryDefaults,
} from "./config.js";
export { TrainerError } from "./errors.js";
export { evaluate, formatMetrics, type Metrics, predictNext, rollOut } from "./evaluate.js";
export { type GradFlowResult, measureGradFlow } from "./gradient-flow.js";
export { parameterCount } from "./model.js";
export { pickToken, sampleText } from "./sample.js";
export { Session, type StepResult } from "./session.js";
export { type SeriesTask, splitSizes, type Task, type TokenTask } from "./task.js";
