/** Where a municipality's Terraform state lives (platform.yaml's backend, one state per stack), and how it is encrypted. */
import { stackName } from "../naming.ts";
import type { StateBackendPlan, StateEncryptionPlan } from "../plan.ts";
import { UNENCRYPTED, type Platform } from "../schema/platform.ts";

/** The Terraform variables that carry the passphrases: TF_VAR_sei_state_passphrase (and _previous while rotating). */
export const STATE_PASSPHRASE_VARIABLES = {
  current: "sei_state_passphrase",
  previous: "sei_state_passphrase_previous",
} as const;

export function stateEncryptionOf(platform: Platform): StateEncryptionPlan | null {
  const encryption = platform.spec.stateEncryption;
  if (!encryption) return null;
  const previous = encryption.previousKeyName;
  return {
    keyName: encryption.keyName,
    passphraseVariable: STATE_PASSPHRASE_VARIABLES.current,
    previous:
      previous === undefined
        ? null
        : previous === UNENCRYPTED
          ? { kind: "unencrypted" }
          : { kind: "key", keyName: previous, passphraseVariable: STATE_PASSPHRASE_VARIABLES.previous },
  };
}

export function stateBackendOf(platform: Platform, name: string): StateBackendPlan {
  const backend = platform.spec.stateBackend;
  const stack = stackName(name);
  switch (backend.type) {
    case "local":
      return { type: "local", settings: { path: `${backend.directory}/${stack}.tfstate` } };
    case "pg":
      // One schema per municipality: each stack locks and stores its own state.
      return {
        type: "pg",
        settings: { connectionStringEnv: backend.connectionStringEnv, schemaName: stack.replaceAll("-", "_") },
      };
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
        settings: {
          namespace: backend.namespace,
          secretSuffix: stack,
          ...(backend.configPath ? { configPath: backend.configPath } : {}),
        },
      };
  }
}
