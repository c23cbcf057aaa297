/**
 * @recurrent/example-minimal-gated-unit — a second custom cell as a plugin,
 * of a different shape from the peephole LSTM (one state, one gate, a
 * product of a gated state). The default export is what
 * `recurrent train --plugin <this package>` loads.
 */
import { definePlugin } from "@recurrent/registry";
import { minimalGatedUnit } from "./minimal-gated-unit.js";

export { minimalGatedUnit };

const plugin = definePlugin({
  name: "@recurrent/example-minimal-gated-unit",
  entries: [minimalGatedUnit],
});
export default plugin;

declare module "@recurrent/registry" {
  interface CellTypes {
    "example/minimal-gated-unit": typeof minimalGatedUnit;
  }
}
