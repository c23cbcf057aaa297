/**
 * The built-in cells as a plugin: they register through the same public
 * `definePlugin` path a user's cells take.
 */
import { definePlugin } from "@recurrent/registry";
import type { Cell } from "./cell.js";
import { ar } from "./cells/ar.js";
import { gru } from "./cells/gru.js";
import { latentAr } from "./cells/latent-ar.js";
import { lstm } from "./cells/lstm.js";
import { markov } from "./cells/markov.js";
import { rnn } from "./cells/rnn.js";

export const builtInCells = [ar, markov, latentAr, rnn, lstm, gru] as const;

export const cellsPlugin = definePlugin({ name: "@recurrent/cells", entries: [...builtInCells] });

declare module "@recurrent/registry" {
  interface KindValues {
    cell: Cell;
  }
  interface CellTypes {
    ar: typeof ar;
    markov: typeof markov;
    "latent-ar": typeof latentAr;
    rnn: typeof rnn;
    lstm: typeof lstm;
    gru: typeof gru;
  }
}
