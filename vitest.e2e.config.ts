import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * The suite with running pods goes first: the other files deploy instances whose images are not on
 * the node (they check what the API holds), and their pods, which never start, still hold the
 * node's CPU requests; run after them, the running instance would not fit on the node.
 */
class RunningPodsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (f: TestSpecification) => f.moduleId.endsWith("/workloads.test.ts");
    return [...sorted.filter(first), ...sorted.filter((f) => !first(f))];
  }
}

// The end-to-end suite deploys with the real cdktf CLI, Terraform and providers into a
// local cluster started by scripts/e2e/run.sh; run it with `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    sequence: { sequencer: RunningPodsFirst },
  },
});
