import { packageConfig } from "../../vitest.shared.js";

export default packageConfig({ name: "nn", testTimeout: 60_000 });
