/**
 * PyTorch's parameter names for recurrent layers (`torch.nn.RNN`, `LSTM`,
 * `GRU`): `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`,
 * `weight_hr_l{k}` (LSTM projections), with `_reverse` for the backward
 * direction of a bidirectional layer. The cells package names its
 * parameters through these helpers, so a state dict saved by either side
 * loads in the other.
 */
import { check } from "./errors.js";

export type RecurrentParameterKind =
  | "weight_ih"
  | "weight_hh"
  | "bias_ih"
  | "bias_hh"
  | "weight_hr";

const kinds: readonly RecurrentParameterKind[] = [
  "weight_ih",
  "weight_hh",
  "bias_ih",
  "bias_hh",
  "weight_hr",
];

/**
 * A cell parameter's name in a stacked, possibly bidirectional layer, in
 * PyTorch's scheme: `<name>_l<layer>`, and `_reverse` for the backward
 * direction. Every cell's parameters are named so, a plugin's included.
 *
 * @example
 * layerParameterName("w_peep", 1, true); // "w_peep_l1_reverse"
 */
export function layerParameterName(name: string, layer: number, reverse = false): string {
  return `${name}_l${layer}${reverse ? "_reverse" : ""}`;
}

/**
 * The PyTorch name of one recurrent parameter.
 *
 * @example
 * recurrentParameterName("weight_ih", 0);       // "weight_ih_l0"
 * recurrentParameterName("bias_hh", 1, true);   // "bias_hh_l1_reverse"
 */
export function recurrentParameterName(
  kind: RecurrentParameterKind,
  layer: number,
  reverse = false,
): string {
  check(kinds.includes(kind), "ARGUMENT", () => {
    return `recurrentParameterName: expected one of ${kinds.join(", ")}, got ${JSON.stringify(kind)}`;
  });
  check(Number.isInteger(layer) && layer >= 0, "ARGUMENT", () => {
    return `recurrentParameterName: expected a layer index >= 0, got ${layer}`;
  });
  return layerParameterName(kind, layer, reverse);
}

export interface RecurrentParameterNames {
  readonly weightIh: string;
  readonly weightHh: string;
  readonly biasIh: string;
  readonly biasHh: string;
}

/**
 * The four names of one layer and direction.
 *
 * @example
 * recurrentParameterNames(0, true).weightHh; // "weight_hh_l0_reverse"
 */
export function recurrentParameterNames(layer: number, reverse = false): RecurrentParameterNames {
  return {
    weightIh: recurrentParameterName("weight_ih", layer, reverse),
    weightHh: recurrentParameterName("weight_hh", layer, reverse),
    biasIh: recurrentParameterName("bias_ih", layer, reverse),
    biasHh: recurrentParameterName("bias_hh", layer, reverse),
  };
}

/**
 * Read a recurrent parameter name back; undefined when `name` is not one.
 *
 * @example
 * parseRecurrentParameterName("bias_ih_l2_reverse"); // { kind: "bias_ih", layer: 2, reverse: true }
 */
export function parseRecurrentParameterName(
  name: string,
): { kind: RecurrentParameterKind; layer: number; reverse: boolean } | undefined {
  const match =
    /^(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(0|[1-9][0-9]*)(_reverse)?$/.exec(name);
  if (match === null) return undefined;
  return {
    kind: match[1] as RecurrentParameterKind,
    layer: Number(match[2]),
    reverse: match[3] !== undefined,
  };
}
