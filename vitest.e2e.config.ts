import { defineConfig } from "vitest/config";

// The end-to-end suite deploys with the real cdktf CLI, Terraform and providers into a
// local API server started by scripts/e2e/run.sh; run it with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
