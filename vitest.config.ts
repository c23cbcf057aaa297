import { defineConfig } from "vitest/config";

// One run over every package and app (projects mode): a single summary, and
// the plain closing line this workplace's CI reads.
export default defineConfig({
  test: {
    projects: ["packages/*", "apps/*", "examples/*"],
    reporters: ["default", "./scripts/vitest-plain-summary.ts"],
  },
});
