/**
 * The recurrent layers of a cell without an ONNX operator, unrolled: each
 * layer and direction traces the cell's step once (trace-step.ts) and writes
 * it once per time step, the state flowing from step to step, outputs
 * stacked over time (directions side by side, as ours), final states stacked
 * [layers · directions, batch, …]. Time and batch are fixed.
 */

import type { SequenceModel } from "@recurrent/cells";
import { layerParameterName } from "@recurrent/nn";
import type { Tensor } from "@recurrent/tensor";
import { OnnxExportError } from "./errors.js";
import type { GraphBuilder } from "./graph-builder.js";
import { emitStep, traceStep } from "./trace-step.js";

export interface UnrollOptions {
  readonly batch: number;
  readonly time: number;
  /** Filled with each layer's final state names, per state part (in the state's order). */
  readonly finals: string[][];
}

/** Returns the name of the last layer's outputs [time, batch, out · directions]. */
export function unrolledLayers(
  g: GraphBuilder,
  model: SequenceModel,
  weights: Readonly<Record<string, Tensor>>,
  sequence: string,
  initial: readonly string[],
  options: UnrollOptions,
): string {
  const recurrent = model.recurrent;
  const { cell } = recurrent;
  const directions = recurrent.directions;
  const constants = new Map<Tensor, string>();
  let x = sequence;
  let features = recurrent.inputSize;
  const index = (i: number) => g.constant("index", "int64", [], [i]);
  const axis0 = g.constant("axis0", "int64", [1], [0]);
  for (let layer = 0; layer < recurrent.numLayers; layer++) {
    const names = Object.keys(cell.definition.params({ ...cell.config, input: features }));
    const outputs: string[] = [];
    for (let direction = 0; direction < directions; direction++) {
      const suffix = layerParameterName("", layer, direction === 1);
      const params: Record<string, Tensor> = {};
      const bound: Record<string, string> = {};
      for (const name of names) {
        const value = weights[`recurrent.${name}${suffix}`];
        if (value === undefined) {
          throw new OnnxExportError(
            "UNSUPPORTED",
            `exportOnnx: the model has no parameter "recurrent.${name}${suffix}"`,
          );
        }
        params[name] = value;
        bound[name] = g.constant(`${name}${suffix}`, "float", [...value.shape], value.data());
      }
      const trace = traceStep(cell, features, options.batch, params);
      const slot = layer * directions + direction;
      const parts = Object.keys(trace.state);
      let state: Record<string, string> = {};
      parts.forEach((part, i) => {
        state[part] = g.one("Gather", [initial[i] as string, index(slot)], { axis: 0 });
      });
      const perStep: string[] = new Array(options.time);
      for (let k = 0; k < options.time; k++) {
        const t = direction === 1 ? options.time - 1 - k : k;
        const input = g.one("Gather", [x, index(t)], { axis: 0 });
        const result = emitStep(g, trace, { input, state, params: bound }, constants);
        perStep[t] = g.one("Unsqueeze", [result.output, axis0]);
        state = result.state;
      }
      outputs.push(
        options.time === 1 ? (perStep[0] as string) : g.one("Concat", perStep, { axis: 0 }),
      );
      parts.forEach((part, i) => {
        (options.finals[i] as string[]).push(g.one("Unsqueeze", [state[part] as string, axis0]));
      });
    }
    x = outputs.length === 1 ? (outputs[0] as string) : g.one("Concat", outputs, { axis: 2 });
    features = recurrent.outputSize * directions;
  }
  return x;
}
