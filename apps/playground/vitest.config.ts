import { packageConfig } from "../../vitest.shared.js";

// The playground's tests run in Node: they build the app, serve it on
// 127.0.0.1 and drive a real Chromium through playwright-core. The project's
// name says "browser", so CI's extra Node-version pass ('!*browser*') skips it.
export default packageConfig({
  name: "playground-browser",
  include: ["test/**/*.test.ts"],
  testTimeout: 240_000,
  hookTimeout: 240_000,
});
