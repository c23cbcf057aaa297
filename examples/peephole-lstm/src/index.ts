/**
 * @recurrent/example-peephole-lstm — a custom cell as a plugin. The default
 * export is what `recurrent train --plugin <this package>` loads.
 */
import { definePlugin } from "@recurrent/registry";
import { peepholeLstm } from "./peephole-lstm.js";

export { peepholeLstm };

const plugin = definePlugin({ name: "@recurrent/example-peephole-lstm", entries: [peepholeLstm] });
export default plugin;

declare module "@recurrent/registry" {
  interface CellTypes {
    "example/peephole-lstm": typeof peepholeLstm;
  }
}
