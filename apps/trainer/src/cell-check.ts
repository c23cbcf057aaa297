/**
 * A cell is tried once, on a batch of two, before training starts: its
 * declared parameter and state shapes, one `step`, the output's shape, the
 * state it returns (every declared part, each with its declared shape) and
 * finite values. A mistake in a plugin cell then fails before the run
 * directory exists, with the cell and the part named, instead of at step 1
 * as an internal error from deep inside the runner.
 */
import type { CellState } from "@recurrent/cells";
import type { Registry } from "@recurrent/registry";
import { type Tensor, tensor, tidy } from "@recurrent/tensor";
import { createTrainerRegistry } from "./builtins.js";
import type { TrainerConfig } from "./config.js";
import { TrainerError } from "./errors.js";
import { inputOf } from "./model.js";
import type { Task } from "./task.js";

const batch = 2;

const shapeText = (shape: readonly number[]) => `[${shape.join(", ")}]`;

function validShape(shape: unknown): shape is number[] {
  return Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 1);
}

/** Small deterministic values in (−0.5, 0.5), shaped. */
function filled(shape: readonly number[], salt: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: size }, (_, i) => 0.5 * Math.sin(salt + 1.7 * i));
  return tensor(values, { shape: [...shape], dtype: "float32" });
}

/**
 * Try the config's cell on one step of a batch of two; throws naming the
 * cell and the part. Built-in cells (tested on their own) are skipped.
 */
export function checkCell(config: TrainerConfig, registry: Registry, task: Task): void {
  const { name } = config.model.cell;
  if (createTrainerRegistry().has("cell", name)) return;
  const cell = registry.createEntry("cell", config.model.cell);
  const definition = cell.definition;
  const input = inputOf(config, task, registry);
  const features = input.kind === "one-hot" ? input.vocab : input.size;
  const context = { ...cell.config, input: features };
  const fail = (part: string, message: string): never => {
    throw new TrainerError("PLUGIN", `cell "${name}": ${part}: ${message}`);
  };
  const call = <T>(part: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof TrainerError) throw error;
      return fail(part, (error as Error).message);
    }
  };
  const paramShapes = call("params()", () => definition.params(context));
  for (const [key, spec] of Object.entries(paramShapes)) {
    const shape = Array.isArray(spec) ? spec : (spec as { shape?: unknown })?.shape;
    if (!validShape(shape)) {
      fail(
        `parameter ${key}`,
        `expected a shape of whole numbers ≥ 1, got ${JSON.stringify(shape)}`,
      );
    }
  }
  const stateShapes = call("state()", () => definition.state({ ...context, batch }));
  for (const [key, shape] of Object.entries(stateShapes as Record<string, unknown>)) {
    if (!validShape(shape) || shape[0] !== batch) {
      fail(
        `state ${key}`,
        `expected a shape [batch, …] for batch ${batch}, got ${JSON.stringify(shape)}`,
      );
    }
  }
  const outputSize = call("outputSize()", () => definition.outputSize(context));
  if (!Number.isInteger(outputSize) || outputSize < 1) {
    fail("outputSize()", `expected a whole number ≥ 1, got ${JSON.stringify(outputSize)}`);
  }
  tidy(() => {
    const params: Record<string, Tensor> = {};
    let salt = 0;
    for (const [key, spec] of Object.entries(paramShapes)) {
      params[key] = filled(
        Array.isArray(spec) ? spec : (spec as { shape: number[] }).shape,
        salt++,
      );
    }
    const state: CellState = {};
    for (const [key, shape] of Object.entries(stateShapes as Record<string, number[]>)) {
      state[key] = filled(shape, salt++);
    }
    const x = filled([batch, features], salt);
    const result = call("step()", () => definition.step(x, state, params, context));
    if (result === null || typeof result !== "object" || !("output" in result)) {
      fail("step()", "expected { output, state }, got something else");
    }
    const output = result.output as unknown;
    if (!(output as Tensor | undefined)?.shape) fail("step() output", "expected a tensor");
    const outShape = (output as Tensor).shape;
    if (outShape.length !== 2 || outShape[0] !== batch || outShape[1] !== outputSize) {
      fail(
        "step() output",
        `expected shape [${batch}, ${outputSize}] (batch, outputSize()), got ${shapeText(outShape)}`,
      );
    }
    const returned = (result.state ?? {}) as Record<string, Tensor | undefined>;
    for (const [key, shape] of Object.entries(stateShapes as Record<string, number[]>)) {
      const part = returned[key];
      if (part?.shape === undefined) {
        return fail(
          `step() state`,
          `state() declares "${key}", but step returned no "${key}" (returned: ${Object.keys(returned).join(", ") || "nothing"})`,
        );
      }
      if (shapeText(part.shape) !== shapeText(shape)) {
        fail(
          `step() state ${key}`,
          `expected shape ${shapeText(shape)}, got ${shapeText(part.shape)}`,
        );
      }
    }
    for (const key of Object.keys(returned)) {
      if (!(key in (stateShapes as object))) {
        fail("step() state", `returned "${key}", which state() does not declare`);
      }
    }
    const values = (output as Tensor).data();
    const bad = Array.from(values).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      fail(
        "step() output",
        `expected finite values, got ${values[bad]} at index ${bad} (inputs were in (−0.5, 0.5))`,
      );
    }
  });
}
