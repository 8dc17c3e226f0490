/**
 * Fleet commands over encrypted state: OpenTofu only, the passphrases in the
 * environment, checked before anything runs; every state written again while
 * a key is rotated. The real runs are in test/e2e/state-encryption.test.ts.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { stateEncryptionOf } from "../../core/resolve/state-backend.ts";
import type { StateEncryptionPlan } from "../../core/plan.ts";
import { UsageError } from "../../shell/exit.ts";
import {
  MIN_PASSPHRASE_LENGTH,
  checkStateEncryption,
  passphraseVariables,
  rewritesStates,
} from "../../fleet/state-encryption.ts";
import type { EngineName } from "../../fleet/engine.ts";
import { seiInfra } from "../cli/run.ts";
import { requireTools } from "../support/tools.ts";

const KEY: StateEncryptionPlan = { keyName: "sei_2026", passphraseVariable: "sei_state_passphrase", previous: null };
const ROTATING: StateEncryptionPlan = {
  ...KEY,
  keyName: "sei_2027",
  previous: { kind: "key", keyName: "sei_2026", passphraseVariable: "sei_state_passphrase_previous" },
};
const TURNING_ON: StateEncryptionPlan = { ...KEY, previous: { kind: "unencrypted" } };
const tofu = { name: "opentofu" } as const;
const good = "a".repeat(MIN_PASSPHRASE_LENGTH);

const refusal = (encryption: StateEncryptionPlan | null, engine: { name: EngineName }, env: NodeJS.ProcessEnv) => {
  try {
    checkStateEncryption(encryption, engine, env);
    return "ok";
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return error.message;
  }
};

describe("fleet commands over encrypted state", () => {
  it("need nothing when platform.yaml does not encrypt", () => {
    expect(refusal(null, { name: "terraform" }, {})).toBe("ok");
  });

  it("refuse Terraform, which cannot read an encrypted stack", () => {
    expect(refusal(KEY, { name: "terraform" }, { TF_VAR_sei_state_passphrase: good })).toMatch(
      /^platform\.yaml encrypts the state \(stateEncryption\), which only OpenTofu reads/,
    );
  });

  it("need each passphrase in the environment, long enough for OpenTofu", () => {
    expect(refusal(KEY, tofu, {})).toMatch(
      /^TF_VAR_sei_state_passphrase is not set: platform\.yaml encrypts the state/,
    );
    expect(refusal(KEY, tofu, { TF_VAR_sei_state_passphrase: "short" })).toBe(
      "TF_VAR_sei_state_passphrase is 5 characters long: OpenTofu needs a passphrase of at least 16",
    );
    expect(refusal(KEY, tofu, { TF_VAR_sei_state_passphrase: good })).toBe("ok");
    expect(passphraseVariables(ROTATING)).toEqual([
      "TF_VAR_sei_state_passphrase",
      "TF_VAR_sei_state_passphrase_previous",
    ]);
    expect(refusal(ROTATING, tofu, { TF_VAR_sei_state_passphrase: good })).toMatch(
      /^TF_VAR_sei_state_passphrase_previous is not set/,
    );
    expect(
      refusal(ROTATING, tofu, { TF_VAR_sei_state_passphrase: good, TF_VAR_sei_state_passphrase_previous: good }),
    ).toBe("ok");
    // States in clear need no previous passphrase.
    expect(passphraseVariables(TURNING_ON)).toEqual(["TF_VAR_sei_state_passphrase"]);
  });

  it("write every state again only while a key is rotated", () => {
    expect([rewritesStates(null), rewritesStates(KEY), rewritesStates(ROTATING), rewritesStates(TURNING_ON)]).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it("come from platform.yaml's stateEncryption, with fixed variable names", () => {
    const platform = (stateEncryption?: { keyName: string; previousKeyName?: string }) =>
      ({ spec: { stateEncryption } }) as Parameters<typeof stateEncryptionOf>[0];
    expect(stateEncryptionOf(platform())).toBeNull();
    expect(stateEncryptionOf(platform({ keyName: "sei_2026" }))).toEqual(KEY);
    expect(stateEncryptionOf(platform({ keyName: "sei_2027", previousKeyName: "sei_2026" }))).toEqual(ROTATING);
    expect(stateEncryptionOf(platform({ keyName: "sei_2026", previousKeyName: "unencrypted" }))).toEqual(TURNING_ON);
  });
});

// The real Terraform of this machine: the refusal comes before any synthesis or engine run.
const hasTerraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;
describe("Terraform", () => {
  it("is on PATH", (ctx) =>
    requireTools(ctx, hasTerraform ? [] : ["Terraform"], {
      builtByCi: false,
      why: "CI builds only OpenTofu, the default engine; this check of Terraform's refusal runs where terraform is on PATH",
    }));
});
describe.skipIf(!hasTerraform)(
  "sei-infra fleet with TERRAFORM_BINARY_NAME=terraform on the repository's encrypting platform.yaml",
  () => {
    it("stops with a usage error before anything runs", () => {
      const run = seiInfra(["fleet", "plan", "--only", "tiradentes", "--work-dir", ".sei-fleet-never"], {
        env: { TERRAFORM_BINARY_NAME: "terraform" },
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("platform.yaml encrypts the state (stateEncryption), which only OpenTofu reads");
      expect(run.stderr).not.toContain("synthesized");
    });
  },
);
