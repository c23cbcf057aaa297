import { packageConfig } from "../../vitest.shared.js";

export default packageConfig({ name: "onnx", testTimeout: 60_000 });
