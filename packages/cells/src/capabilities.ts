/**
 * A cell's capabilities: what a trainer or a tool needs to know about a cell
 * to treat it right, declared by the cell instead of guessed from its name
 * or read off its schema. `compare` carries `--hidden` over to the cells
 * whose `hidden` sizes a state, a language model feeds one-hot rows to a
 * cell that prefers them, `gradflow` re-initialises the weights a cell
 * names as recurrent, and a cell that can be fitted in closed form (the
 * counted Markov model) says how.
 *
 * Every field has a default, so a plugin cell declares only what differs
 * from an ordinary recurrent cell of hidden size `hidden`.
 */
import type { Linear } from "@recurrent/nn";
import type { Tensor } from "@recurrent/tensor";
import type { Cell, CellDefinition } from "./cell.js";
import type { Recurrent } from "./recurrent.js";

/**
 * What the option `hidden` sizes, if the cell has one:
 * - `"state"`: the recurrent state (rnn, lstm, gru), so cells compared at one
 *   `hidden` are compared at one state size;
 * - `"layer"`: the units of a feed-forward layer (ar's MLP);
 * - `"output"`: the output size (markov, whose table is full when it is unset);
 * - `"none"`: the cell has no `hidden` option.
 */
export type HiddenMeaning = "state" | "layer" | "output" | "none";

/**
 * How token inputs reach the cell when a config leaves the encoding to it:
 * a learned embedding, or one-hot rows (a Markov table reads token i as row i).
 */
export type InputPreference = "embedding" | "one-hot";

/** A torch.nn recurrent module. */
export type TorchModule = "RNN" | "LSTM" | "GRU";

/** A closed-form fit of a model over this cell, as `compare` runs it beside the trained one. */
export interface ExactFit {
  /** Said where the fitted row is reported, e.g. "bigram counts of the training split". */
  readonly description: string;
  /**
   * Set the parameters of `model` (one layer of this cell, one-hot inputs of
   * `vocab` tokens) to the fit of the token sequences `corpus`.
   */
  fit(
    model: { readonly recurrent: Recurrent; readonly head?: Linear | null },
    corpus: readonly ArrayLike<number>[] | Tensor,
    vocab: number,
  ): void;
}

/** What a definition may declare (all optional). */
export interface CellCapabilitiesSpec<TParam extends string = string> {
  readonly hidden?: HiddenMeaning;
  readonly input?: InputPreference;
  /** Whether the state carries a learned summary of the past (false for ar and markov, whose state is only recent inputs). */
  readonly recurrentState?: boolean;
  /** Parameters that multiply the previous state (W_hh), where a recurrent initialiser belongs. */
  readonly recurrentWeights?: readonly TParam[];
  readonly exactFit?: ExactFit;
  /**
   * The torch.nn module that computes this cell with the same parameter
   * names (weight_ih_l0, …), so a model exports to PyTorch as it is.
   */
  readonly torchModule?: TorchModule;
}

/** A definition's capabilities with every default filled in. */
export interface CellCapabilities {
  readonly hidden: HiddenMeaning;
  readonly input: InputPreference;
  readonly recurrentState: boolean;
  readonly recurrentWeights: readonly string[];
  readonly exactFit: ExactFit | null;
  readonly torchModule: TorchModule | null;
}

/** The defaults: an ordinary recurrent cell whose `hidden` is its state size. */
export const defaultCapabilities: CellCapabilities = {
  hidden: "state",
  input: "embedding",
  recurrentState: true,
  recurrentWeights: [],
  exactFit: null,
  torchModule: null,
};

/**
 * The capabilities of a cell or a definition, defaults filled in.
 *
 * @example
 * cellCapabilities(markov).input; // "one-hot"
 * cellCapabilities(lstm).recurrentWeights; // ["weight_hh"]
 */
export function cellCapabilities(cell: CellDefinition | Cell): CellCapabilities {
  const definition = "definition" in cell ? cell.definition : cell;
  const declared: CellCapabilitiesSpec = definition.capabilities ?? {};
  return {
    hidden: declared.hidden ?? defaultCapabilities.hidden,
    input: declared.input ?? defaultCapabilities.input,
    recurrentState: declared.recurrentState ?? defaultCapabilities.recurrentState,
    recurrentWeights: declared.recurrentWeights ?? defaultCapabilities.recurrentWeights,
    exactFit: declared.exactFit ?? defaultCapabilities.exactFit,
    torchModule: declared.torchModule ?? defaultCapabilities.torchModule,
  };
}

/** Whether `hidden` sizes something comparable across cells (a state or a layer), so a shared `--hidden` applies. */
export function takesSharedHidden(capabilities: CellCapabilities): boolean {
  return capabilities.hidden === "state" || capabilities.hidden === "layer";
}
