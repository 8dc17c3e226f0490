import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    globalSetup: ["test/support/mariadb-run.ts"],
    // One test file per core: vitest's default, cores minus one, runs the files one by one on two
    // cores, and many files spend their time waiting for the servers and scripts they start.
    maxWorkers: "100%",
    // Synthesis tests build real cdktf apps; give them room on a shared two-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
