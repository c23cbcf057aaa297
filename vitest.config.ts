import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { chromiumLaunchOptions } from "./scripts/chromium.js";

/** Suites that also run in headless Chromium: the wasm backend, autograd, the derived fused path, optimizers. */
const browserSuites = [
  "packages/tensor/src/backends/wasm/kernels.test.ts",
  "packages/tensor/src/backends/wasm/gemm.test.ts",
  "packages/tensor/src/recurrence.test.ts",
  "packages/tensor/src/ops/ops.test.ts",
  "packages/tensor/src/row-program.test.ts",
  "packages/tensor/src/packed-b.test.ts",
  "packages/tensor/src/runtime-compilation.test.ts",
  "packages/autograd/src/rules/rules.test.ts",
  "packages/autograd/src/backward.test.ts",
  "packages/cells/src/compile/derived.test.ts",
  "packages/optim/src/optimizer.test.ts",
];

// One run over every package and app (projects mode): a single summary, and
// the plain closing line this workplace's CI reads. Besides the Node projects
// of each package: `browser` (the suites above in Chromium) and `browser-bundle` (the
// packed libraries bundled by Vite and esbuild into pages Chromium opens).
export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "apps/*",
      "examples/*",
      {
        resolve: {
          conditions: ["@recurrent/source", "module", "browser", "development|production"],
        },
        test: {
          name: "browser",
          include: browserSuites,
          // After the Node projects, so Chromium never competes with their timed tests.
          sequence: { groupOrder: 1 },
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: chromiumLaunchOptions }),
            instances: [{ browser: "chromium" }],
            screenshotFailures: false,
          },
        },
      },
      {
        test: {
          name: "browser-bundle",
          include: ["scripts/bundle-check/*.test.ts"],
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
    ],
    reporters: ["default", "./scripts/vitest-plain-summary.ts"],
  },
});
