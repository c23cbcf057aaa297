import { packageConfig } from "../../vitest.shared.js";

export default packageConfig({
  name: "registry",
  typecheck: { enabled: true, include: ["src/**/*.test-d.ts"] },
});
