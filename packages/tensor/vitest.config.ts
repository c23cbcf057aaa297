import { packageConfig } from "../../vitest.shared.js";

export default packageConfig({
  name: "tensor",
  typecheck: { enabled: true, include: ["src/**/*.test-d.ts"] },
});
