/**
 * The one vitest config every package, app and example extends: tests read
 * the workspace's TypeScript sources (the `@recurrent/source` export
 * condition), with browser conditions for code and Node's for what runs in
 * vitest's server. A package passes only what is its own (a name, a timeout).
 */
import { defineConfig, type ViteUserConfig } from "vitest/config";

type TestOptions = NonNullable<ViteUserConfig["test"]>;

export function packageConfig(test: TestOptions = {}): ViteUserConfig {
  return defineConfig({
    resolve: { conditions: ["@recurrent/source", "module", "browser", "development|production"] },
    ssr: {
      resolve: { conditions: ["@recurrent/source", "module", "node", "development|production"] },
    },
    test,
  });
}
