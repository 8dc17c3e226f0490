import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    globalSetup: ["test/support/mariadb-run.ts"],
    // Synthesis tests build real cdktf apps; give them room on a shared two-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
