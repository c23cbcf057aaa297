/**
 * A training session: the task, the model, the optimizer, the schedule and
 * the loss of one config, plus everything that moves as training goes (the
 * step, the tokens seen, the carried recurrent state, the data position).
 * It trains one step at a time and saves to and restores from one
 * checkpoint, completely: a session restored from the checkpoint of step n
 * continues exactly as the original did after step n.
 *
 * Checkpoint sections: `config` (the resolved config and plugins), `model`
 * (PyTorch names), `optimizer`, `schedule`, `state` (the recurrent state
 * carried into the next batch), `data` (stream position, tokenizer or
 * scaler), `rng` (dropout generator) and `trainer` (step, tokens, time).
 */
import { backward } from "@recurrent/autograd";
import { type CellState, detachState, type SequenceModel } from "@recurrent/cells";
import type { Dataset } from "@recurrent/data";
import { Checkpoint, type LossFn, StateDictError } from "@recurrent/nn";
import { clipGradNorm, gradNorm, OptimError, Optimizer, Scheduler } from "@recurrent/optim";
import type { Registry } from "@recurrent/registry";
import type { Generator, GeneratorState, Tensor } from "@recurrent/tensor";
import { tidy } from "@recurrent/tensor";
import type { TrainerConfig } from "./config.js";
import type { DataSource } from "./data-source.js";
import { TrainerError } from "./errors.js";
import { evaluate, type Metrics } from "./evaluate.js";
import { requireFinite } from "./finite-weights.js";
import { buildModel } from "./model.js";
import { checkMemory } from "./preflight.js";
import { buildTask, type SavedData, savedData, type Task } from "./task.js";
import { startThreads } from "./threads.js";

export interface StepResult {
  readonly step: number;
  readonly loss: number;
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly lr: number;
  /** Targets that counted in this step. */
  readonly tokens: number;
  readonly epoch: number;
}

/** What the `trainer` section of a checkpoint holds. */
export interface TrainerProgress {
  readonly step: number;
  readonly tokens: number;
  /** Training wall time so far, over every resumed part. */
  readonly elapsedMs: number;
}

export interface SessionOptions {
  readonly cwd: string;
  /** Restore everything from this checkpoint (resume, eval, generate). */
  readonly checkpoint?: Checkpoint;
  /** Plugin specs, recorded in the checkpoint's config section. */
  readonly plugins?: readonly string[];
  /** The dataset, already loaded (compare and gradflow build many sessions on one). */
  readonly dataset?: Dataset;
  /** The data file's path and hash, saved in the checkpoint's data section. */
  readonly dataSource?: DataSource | null;
}

/** The generator behind the model's dropout between layers. */
function dropoutGenerator(model: SequenceModel): Generator | undefined {
  return model.recurrent.dropoutRng;
}

export class Session {
  step = 0;
  tokens = 0;
  elapsedMs = 0;
  /** The state carried into the next batch (policy "carry"), detached. */
  carried: CellState | null = null;
  /** The data file the run trains on (path, size, SHA-256), when it reads one. */
  dataSource: DataSource | null = null;
  readonly parameters: [string, Tensor][];
  private readonly plateau: boolean;

  private constructor(
    readonly config: TrainerConfig,
    readonly registry: Registry,
    readonly task: Task,
    readonly model: SequenceModel,
    readonly optimizer: Optimizer,
    readonly scheduler: Scheduler | null,
    readonly loss: LossFn,
    readonly plugins: readonly string[],
  ) {
    this.parameters = model.namedParameters();
    this.plateau = config.schedule?.name === "reduce-on-plateau";
  }

  /** Build everything a config describes (data first: its errors come before any model work). */
  static async create(
    config: TrainerConfig,
    registry: Registry,
    options: SessionOptions,
  ): Promise<Session> {
    startThreads(config.train.threads);
    const checkpoint = options.checkpoint;
    const saved = checkpoint?.has("data") ? (checkpoint.json<SavedData>("data") ?? {}) : {};
    const task = await buildTask(config, registry, options.cwd, saved, options.dataset);
    checkMemory(config, registry, task); // before anything large is allocated
    const model = buildModel(config, registry, task);
    const transform = registry.createEntry("optimizer", config.optimizer);
    const optimizer = new Optimizer(model.namedParameters(), transform);
    let scheduler: Scheduler | null = null;
    if (config.schedule !== null) {
      const schedule = registry.createEntry("schedule", config.schedule);
      scheduler = new Scheduler(optimizer, schedule);
    }
    const lossEntry = config.loss ?? {
      name:
        task.kind === "forecast" || (task.kind === "long-range" && task.inputs === "values")
          ? "mse"
          : "cross-entropy",
    };
    const loss = registry.createEntry("loss", lossEntry);
    const session = new Session(
      config,
      registry,
      task,
      model,
      optimizer,
      scheduler,
      loss,
      options.plugins ?? [],
    );
    if (checkpoint !== undefined) session.restore(checkpoint);
    session.dataSource = options.dataSource ?? session.dataSource;
    return session;
  }

  /** One optimisation step on the next batch; every temporary is freed before it returns. */
  trainStep(): StepResult {
    const policy = this.task.train.statePolicy;
    const clip = this.config.train.clip;
    const result = tidy(() => {
      const batch = this.task.train.next();
      const initial = policy === "carry" && !batch.resetState ? this.carried : null;
      this.optimizer.zeroGrad();
      const forward = this.model.forward(batch.inputs, {
        ...(initial === null ? {} : { state: initial }),
        ...truncation(this.config.train.truncate, batch.inputs.shape[0] as number),
        ...(batch.mask === null ? {} : { mask: batch.mask }),
      });
      const lossMask = batch.lossMask ?? batch.mask;
      const loss = this.loss(
        forward.output,
        batch.targets,
        lossMask === null ? undefined : { mask: lossMask },
      );
      backward(loss);
      const value = loss.item();
      const norm = clip === null ? gradNorm(this.parameters) : clipGradNorm(this.parameters, clip);
      this.optimizer.step();
      return {
        value,
        gradNorm: norm,
        count: batch.count,
        epoch: batch.epoch,
        next: policy === "carry" ? detachState(forward.state) : null,
      };
    });
    this.setCarried(result.next);
    const lr = this.optimizer.lr;
    if (this.scheduler !== null && !this.plateau) this.scheduler.step(result.value);
    this.step += 1;
    this.tokens += result.count;
    return {
      step: this.step,
      loss: result.value,
      gradNorm: result.gradNorm,
      lr,
      tokens: result.count,
      epoch: result.epoch,
    };
  }

  /** Validation (or test) metrics; a plateau schedule steps on the validation loss. */
  evaluate(split: "validation" | "test" = "validation", stepSchedule = false): Metrics {
    const metrics = evaluate(this.model, this.task, this.config, split);
    if (stepSchedule && this.plateau && this.scheduler !== null && metrics.loss !== undefined) {
      this.scheduler.step(metrics.loss);
    }
    return metrics;
  }

  private setCarried(next: CellState | null): void {
    if (this.carried !== null) for (const t of Object.values(this.carried)) t.dispose();
    this.carried = next;
  }

  /** Everything needed to continue exactly from here, as one checkpoint. */
  toCheckpoint(): Checkpoint {
    const progress: TrainerProgress = {
      step: this.step,
      tokens: this.tokens,
      elapsedMs: this.elapsedMs,
    };
    const checkpoint = new Checkpoint({
      format: "recurrent-trainer@1",
      cell: this.model.recurrent.cell.definition.name,
    })
      .add("config", { json: { config: this.config, plugins: this.plugins } })
      .add("model", { tensors: this.model.stateDict() })
      .add("optimizer", this.optimizer.stateDict());
    if (this.scheduler !== null) checkpoint.add("schedule", this.scheduler.stateDict());
    checkpoint.add("state", { tensors: this.carried ?? {} });
    checkpoint.add("data", {
      json: {
        ...savedData(this.task),
        position: this.task.train.position,
        ...(this.dataSource === null ? {} : { source: this.dataSource }),
      },
    });
    const dropout = dropoutGenerator(this.model);
    checkpoint.add("rng", { json: { dropout: dropout?.getState() ?? null } });
    checkpoint.add("trainer", { json: progress });
    return checkpoint;
  }

  /**
   * Load a checkpoint into this freshly built session. Every part is checked
   * before training starts; a checkpoint of another model fails here, with
   * every mismatched key listed, and nothing is written anywhere.
   */
  private restore(checkpoint: Checkpoint): void {
    requireFinite("model", checkpoint.tensors("model"));
    try {
      this.model.loadStateDict(checkpoint.tensors("model"));
    } catch (error) {
      if (error instanceof StateDictError) {
        throw new TrainerError(
          "CHECKPOINT",
          `the checkpoint does not match the model this config builds (${this.model.recurrent.cell.definition.name}, ${this.config.model.layers} layer(s)); was the model section of the config changed?\n${error.message}`,
        );
      }
      throw error;
    }
    try {
      this.optimizer.loadStateDict({
        tensors: checkpoint.tensors("optimizer"),
        json: checkpoint.json("optimizer"),
      });
      if (this.scheduler !== null) {
        if (!checkpoint.has("schedule")) {
          throw new TrainerError(
            "CHECKPOINT",
            "the config has a schedule, but the checkpoint was saved without one",
          );
        }
        this.scheduler.loadStateDict({
          tensors: checkpoint.tensors("schedule"),
          json: checkpoint.json("schedule"),
        });
      }
    } catch (error) {
      if (error instanceof OptimError) {
        throw new TrainerError(
          "CHECKPOINT",
          `the checkpoint's optimizer or schedule state does not fit this config: ${error.message}`,
        );
      }
      throw error;
    }
    const state = checkpoint.has("state") ? checkpoint.tensors("state") : {};
    this.setCarried(Object.keys(state).length > 0 ? state : null);
    const rng = checkpoint.json<{
      dropout: { words: GeneratorState; spare: number | null } | null;
    }>("rng");
    const dropout = dropoutGenerator(this.model);
    if (rng?.dropout && dropout !== undefined) dropout.setState(rng.dropout);
    const data = checkpoint.has("data")
      ? checkpoint.json<{ source?: DataSource }>("data")
      : undefined;
    this.dataSource = data?.source ?? null;
    const progress = checkpoint.json<TrainerProgress>("trainer");
    this.step = progress?.step ?? 0;
    this.tokens = progress?.tokens ?? 0;
    this.elapsedMs = progress?.elapsedMs ?? 0;
  }
}

/** The `truncate` option of a forward pass: none when the cut is as long as the batch (nothing to cut). */
function truncation(every: number | null, steps: number): { truncate?: number } {
  return every === null || every >= steps ? {} : { truncate: every };
}
