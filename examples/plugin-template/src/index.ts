/**
 * The plugin: what `recurrent train --plugin <this folder>` loads. Its
 * default export lists the cells (and anything else) it adds.
 */
import { definePlugin } from "@recurrent/registry";
import { elman } from "./elman.js";

export { elman };

export default definePlugin({ name: "my-recurrent-cells", entries: [elman] });

// Lets `registry.create("cell", "my/elman", …)` type its options.
declare module "@recurrent/registry" {
  interface CellTypes {
    "my/elman": typeof elman;
  }
}
