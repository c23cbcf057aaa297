/**
 * The thin stateful shell around a pure transform: it holds named parameter
 * tensors, the transform's state and any hyper-parameter overrides (a
 * schedule's lr), and offers PyTorch's `step()`, `zeroGrad()`,
 * `stateDict()` and `loadStateDict()`. `step()` reads `.grad` and never
 * writes it, so clipping, logging or a gradient-flow diagnostic sit between
 * `backward` and `step` and see exactly what the update will use.
 */
import { zeroGrad } from "@recurrent/autograd";
import type { Tensor } from "@recurrent/tensor";
import { OptimError, problemsError } from "./errors.js";
import { liveArray, type ParamsInput, toNamedTensors } from "./params.js";
import {
  conformState,
  decodeState,
  encodeState,
  FORMAT,
  type Json,
  type ParamInfo,
  readJson,
  type SavedState,
  type StateDict,
} from "./state-dict.js";
import type { FloatArray, NamedArrays, Transform } from "./transform.js";

const where = "Optimizer";

/**
 * An optimizer over named parameters.
 *
 * @example
 * const optimizer = new Optimizer(model.namedParameters(), adam({ lr: 1e-3 }));
 * for (const batch of batches) {
 *   optimizer.zeroGrad();
 *   backward(loss(model, batch));
 *   clipGradNorm(model.namedParameters(), 1);
 *   optimizer.step();
 * }
 */
export class Optimizer<TState = unknown, THyper extends object = object> {
  /** The parameters, as `[name, tensor]` pairs in the order given. */
  readonly parameters: readonly (readonly [string, Tensor])[];
  private current: TState;
  private overrides: Partial<THyper> = {};
  private resolved: Readonly<THyper>;
  private readonly info: ReadonlyMap<string, ParamInfo>;

  constructor(
    params: ParamsInput,
    readonly transform: Transform<TState, THyper>,
  ) {
    const pairs = toNamedTensors(where, params);
    checkParameters(pairs);
    this.parameters = Object.freeze(pairs.map((pair) => Object.freeze(pair)));
    this.info = new Map(
      pairs.map(([name, t]) => [name, { size: t.size, float64: t.dtype === "float64" }]),
    );
    this.resolved = transform.hyper;
    this.current = transform.init(this.paramArrays());
  }

  /** The hyper-parameters in force: the transform's, with any overrides applied. */
  get hyper(): Readonly<THyper> {
    return this.resolved;
  }

  /** Override hyper-parameters from now on (validated; throws OptimError listing every problem). */
  setHyper(overrides: Partial<THyper>): void {
    const merged = { ...this.overrides, ...overrides };
    this.resolved = this.transform.resolve(merged);
    this.overrides = merged;
  }

  /** The learning rate in force; schedules set it. */
  get lr(): number {
    const lr = (this.resolved as { lr?: unknown }).lr;
    if (typeof lr !== "number") {
      throw new OptimError(
        "INVALID_HYPERPARAMETER",
        `${where}: ${this.transform.name} has no learning rate (lr)`,
      );
    }
    return lr;
  }

  set lr(value: number) {
    // Cast: a generic shell cannot know that THyper has `lr`; the transform's
    // resolve checks it at run time (a transform without lr says so).
    this.setHyper({ lr: value } as unknown as Partial<THyper>);
  }

  /** The transform's state (per-parameter moments, step counts, …); read it, do not change it. */
  get state(): TState {
    return this.current;
  }

  /**
   * Update every parameter that has a gradient, in place. Parameters whose
   * `.grad` is null are skipped (and their state does not advance), as in
   * PyTorch. Gradients are read, never modified.
   */
  step(): void {
    const grads: Record<string, FloatArray> = {};
    for (const [name, p] of this.parameters) {
      const g = p.grad;
      if (g === null) continue;
      if (g.rank !== p.rank || g.shape.some((d, i) => d !== p.shape[i])) {
        throw new OptimError(
          "GRADIENT_MISMATCH",
          `${where}.step: the gradient of "${name}" is [${g.shape.join(",")}], but the parameter is [${p.shape.join(",")}]`,
        );
      }
      grads[name] = g.data() as FloatArray;
    }
    if (Object.keys(grads).length === 0) return;
    const t = this.transform;
    const run = t.updateInPlace ?? t.update;
    const overrides = Object.keys(this.overrides).length === 0 ? undefined : this.overrides;
    const { updates, state } = run.call(t, grads, this.current, this.paramArrays(), overrides);
    this.current = state;
    for (const [name, p] of this.parameters) {
      const u = updates[name];
      if (u === undefined) continue;
      const values = liveArray(p);
      for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) + (u[i] as number);
    }
  }

  /** Drop every parameter's gradient (sets `.grad` to null, which `backward` treats as zero). */
  zeroGrad(): void {
    zeroGrad(this.parameters.map(([, p]) => p));
  }

  /**
   * The state to save: arrays as tensors named `state.<parameter>.<field>`
   * (shaped like their parameter), plus JSON with the transform's name,
   * the hyper-parameters in force and the rest of the state. Everything is
   * copied; later steps do not change it.
   */
  stateDict(): StateDict {
    const tensors: Record<string, Tensor> = {};
    const shapes = new Map(this.parameters.map(([name, p]) => [name, p.shape]));
    const state = encodeState(this.current, ["state"], tensors, (path, length) => {
      for (let i = path.length - 1; i >= 0; i--) {
        const shape = shapes.get(path[i] as string);
        if (shape !== undefined && this.info.get(path[i] as string)?.size === length) return shape;
      }
      return undefined;
    });
    const hyper = encodeState(this.resolved, ["hyper"], tensors);
    const json: Json = { format: FORMAT.optimizer, transform: this.transform.name, hyper, state };
    return { tensors, json };
  }

  /**
   * Restore what `stateDict()` saved, for the same transform and parameter
   * names: the state (converted to the parameters' dtypes) and the
   * hyper-parameters in force. Checks everything first and throws one
   * OptimError (code INVALID_STATE) listing every problem; on error nothing
   * changes.
   */
  loadStateDict(saved: SavedState): void {
    const loc = `${where}.loadStateDict`;
    const record = readJson(loc, saved.json, FORMAT.optimizer);
    const tensors = saved.tensors ?? {};
    if (record.transform !== this.transform.name) {
      throw new OptimError(
        "INVALID_STATE",
        `${loc}: the state was saved by ${JSON.stringify(record.transform)}, but this optimizer is "${this.transform.name}"`,
      );
    }
    const problems: string[] = [];
    const used = new Set<string>();
    const hyper = decodeState(record.hyper, tensors, "hyper", problems, used) as Partial<THyper>;
    let resolved: Readonly<THyper> | undefined;
    try {
      resolved = this.transform.resolve(hyper);
    } catch (error) {
      const inner = error instanceof OptimError ? error.problems : [];
      problems.push(
        ...(inner.length > 0 ? inner : [(error as Error).message]).map((p) => `hyper: ${p}`),
      );
    }
    const loaded = decodeState(record.state, tensors, "state", problems, used);
    const fresh = this.transform.init(this.paramArrays());
    const state = conformState(fresh, loaded, "state", problems, this.info) as TState;
    for (const name of Object.keys(tensors)) {
      if (!used.has(name)) problems.push(`tensor "${name}" is not part of the optimizer state`);
    }
    if (problems.length > 0 || resolved === undefined) {
      throw problemsError("INVALID_STATE", loc, "problems with the saved state", problems);
    }
    this.current = state;
    this.overrides = hyper;
    this.resolved = resolved;
  }

  private paramArrays(): NamedArrays {
    const out: Record<string, FloatArray> = {};
    for (const [name, p] of this.parameters) out[name] = liveArray(p);
    return out;
  }
}

/** Unique names, distinct tensors, float dtypes, contiguous storage; every problem at once. */
function checkParameters(pairs: readonly (readonly [string, Tensor])[]): void {
  const problems: string[] = [];
  if (pairs.length === 0) problems.push("got no parameters");
  const names = new Set<string>();
  const tensors = new Map<Tensor, string>();
  for (const [name, t] of pairs) {
    if (names.has(name)) problems.push(`parameter name "${name}" appears twice`);
    names.add(name);
    const other = tensors.get(t);
    if (other !== undefined) problems.push(`"${other}" and "${name}" are the same tensor`);
    tensors.set(t, name);
    if (t.dtype === "int32") {
      problems.push(
        `parameter "${name}" is int32; only float32 and float64 tensors can be optimized`,
      );
    } else if (!t.isContiguous) {
      problems.push(
        `parameter "${name}" is a strided view; pass a contiguous tensor (e.g. contiguous(t)) so it can be updated in place`,
      );
    }
  }
  if (problems.length > 0) {
    throw problemsError("INVALID_PARAMETERS", where, "problems with the parameters", problems);
  }
}
