/**
 * Reading the PyTorch fixtures (Node only: the files are read from disk).
 * Test support, not shipped.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadSafetensors, type SafetensorsContents } from "@recurrent/nn";

export const fixturesDir = fileURLToPath(new URL("../../fixtures/", import.meta.url));
export const scriptPath = fileURLToPath(
  new URL("../../scripts/torch_cells_fixtures.py", import.meta.url),
);

export function readFixture(name: string): SafetensorsContents {
  return loadSafetensors(new Uint8Array(readFileSync(`${fixturesDir}${name}`)));
}
