import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@recurrent/source", "module", "browser", "development|production"] },
  ssr: {
    resolve: { conditions: ["@recurrent/source", "module", "node", "development|production"] },
  },
});
