/** Where a municipality's Terraform state lives: platform.yaml's backend, with one state per stack. */
import { stackName } from "../naming.ts";
import type { StateBackendPlan } from "../plan.ts";
import type { Platform } from "../schema/platform.ts";

export function stateBackendOf(platform: Platform, name: string): StateBackendPlan {
  const backend = platform.spec.stateBackend;
  const stack = stackName(name);
  switch (backend.type) {
    case "local":
      return { type: "local", settings: { path: `${backend.directory}/${stack}.tfstate` } };
    case "pg":
      // One schema per municipality: each stack locks and stores its own state.
      return { type: "pg", settings: { connectionStringEnv: backend.connectionStringEnv, schemaName: stack.replaceAll("-", "_") } };
    case "s3":
      return {
        type: "s3",
        settings: {
          bucket: backend.bucket,
          region: backend.region,
          key: `${backend.keyPrefix}/${stack}.tfstate`,
          ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
        },
      };
    case "kubernetes":
      return {
        type: "kubernetes",
        settings: { namespace: backend.namespace, secretSuffix: stack, ...(backend.configPath ? { configPath: backend.configPath } : {}) },
      };
  }
}
