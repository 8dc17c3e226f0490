/**
 * The backend of each stack: one state per municipality, and nothing secret
 * in the synthesized configuration.
 */
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import type { InstancePlan, StateBackendPlan } from "../../core/plan.ts";
import { backendNotes } from "../../stacks/terraform-backend.ts";
import { examplePlan } from "../../scripts/lib/example-plan.ts";
import { REPO_ROOT, cleanScratch, synthStack, type StackJson } from "./support.ts";

afterAll(cleanScratch);

const withBackend = (stateBackend: StateBackendPlan): InstancePlan => ({
  ...examplePlan({ tier: "medio" }),
  stateBackend,
});
const backendOf = (plan: InstancePlan) => synthStack(plan).json.terraform!.backend!;

describe("state backends", () => {
  it("local: the repository's state folder, relative to the stack folder (no checkout path), never inside cdktf.out", () => {
    const backend = backendOf(
      withBackend({ type: "local", settings: { path: "terraform-state/sei-exemplo.tfstate" } }),
    );
    // cdktf.out/stacks/sei-exemplo → the repository root is three folders up.
    expect(backend).toEqual({ local: { path: "../../../terraform-state/sei-exemplo.tfstate" } });
    expect(JSON.stringify(backend)).not.toContain(REPO_ROOT.replace(/\/$/, ""));
  });

  it("local: an absolute folder in platform.yaml stays as written", () => {
    const backend = backendOf(withBackend({ type: "local", settings: { path: "/srv/state/sei-exemplo.tfstate" } }));
    expect(backend).toEqual({ local: { path: "/srv/state/sei-exemplo.tfstate" } });
  });

  it("local: state files stay out of git in whatever folder platform.yaml names (they hold the generated passwords)", () => {
    const ignored = (path: string) =>
      spawnSync("git", ["check-ignore", "--quiet", "--no-index", path], { cwd: REPO_ROOT }).status === 0;
    for (const path of [
      "terraform-state/sei-exemplo.tfstate",
      "state/sei-exemplo.tfstate",
      "state/sei-exemplo.tfstate.backup",
      "terraform.sei-exemplo.tfstate",
    ]) {
      expect({ path, ignored: ignored(path) }).toEqual({ path, ignored: true });
    }
  });

  it("pg: a schema per municipality and no conn_str (Terraform reads PG_CONN_STR)", () => {
    const plan = withBackend({
      type: "pg",
      settings: { connectionStringEnv: "SEI_STATE_PG", schemaName: "sei_exemplo" },
    });
    expect(backendOf(plan)).toEqual({ pg: { schema_name: "sei_exemplo" } });
    expect(backendNotes([plan])).toEqual([expect.stringContaining('export PG_CONN_STR="$SEI_STATE_PG"')]);
    expect(
      backendNotes([withBackend({ type: "pg", settings: { connectionStringEnv: "PG_CONN_STR", schemaName: "s" } })]),
    ).toEqual([]);
  });

  it("s3: a key per municipality, encrypted and locked, path-style on a custom endpoint", () => {
    const settings = { bucket: "sei-state", region: "sa-east-1", key: "sei/sei-exemplo.tfstate" };
    expect(backendOf(withBackend({ type: "s3", settings }))).toEqual({
      s3: { ...settings, encrypt: true, use_lockfile: true },
    });
    expect(backendOf(withBackend({ type: "s3", settings: { ...settings, endpoint: "https://rgw.example" } }))).toEqual({
      s3: {
        ...settings,
        encrypt: true,
        use_lockfile: true,
        endpoints: { s3: "https://rgw.example" },
        use_path_style: true,
      },
    });
  });

  it("kubernetes: a Secret suffix per municipality", () => {
    expect(
      backendOf(
        withBackend({ type: "kubernetes", settings: { namespace: "terraform-state", secretSuffix: "sei-exemplo" } }),
      ),
    ).toEqual({
      kubernetes: { namespace: "terraform-state", secret_suffix: "sei-exemplo" },
    });
  });
});

describe("state encryption (OpenTofu)", () => {
  const withEncryption = (stateEncryption: InstancePlan["stateEncryption"]) =>
    synthStack({ ...examplePlan({ tier: "medio" }), stateEncryption }).json as StackJson & {
      variable?: Record<string, { sensitive: boolean; nullable: boolean }>;
    };
  const KEY = { keyName: "sei_2026", passphraseVariable: "sei_state_passphrase", previous: null } as const;

  it("none when platform.yaml has no stateEncryption: no block, no variable, either engine runs the stack", () => {
    const json = withEncryption(null);
    expect(json.terraform).not.toHaveProperty("encryption");
    expect(json).not.toHaveProperty("variable");
  });

  it("a pbkdf2 key from a sensitive variable, its work factor written out; state and plan files encrypted, both enforced", () => {
    const json = withEncryption(KEY);
    expect(json.terraform!.encryption).toEqual({
      key_provider: {
        pbkdf2: {
          sei_2026: { passphrase: "${var.sei_state_passphrase}", hash_function: "sha512", iterations: 210_000 },
        },
      },
      method: { aes_gcm: { sei_2026: { keys: "key_provider.pbkdf2.sei_2026" } } },
      state: { method: "method.aes_gcm.sei_2026", enforced: true },
      plan: { method: "method.aes_gcm.sei_2026", enforced: true },
    });
    expect(json.variable).toEqual({
      sei_state_passphrase: expect.objectContaining({ type: "string", sensitive: true, nullable: false }),
    });
    expect(json.variable!.sei_state_passphrase).not.toHaveProperty("default");
  });

  it("while rotating: the previous key, from its own variable, as the state's fallback; still enforced", () => {
    const json = withEncryption({
      ...KEY,
      keyName: "sei_2027",
      previous: { kind: "key", keyName: "sei_2026", passphraseVariable: "sei_state_passphrase_previous" },
    });
    const encryption = json.terraform!.encryption as Record<string, Record<string, unknown>>;
    expect(Object.keys((encryption.key_provider as { pbkdf2: object }).pbkdf2).sort()).toEqual([
      "sei_2026",
      "sei_2027",
    ]);
    expect(encryption.state).toEqual({
      method: "method.aes_gcm.sei_2027",
      enforced: true,
      fallback: { method: "method.aes_gcm.sei_2026" },
    });
    expect(Object.keys(json.variable!).sort()).toEqual(["sei_state_passphrase", "sei_state_passphrase_previous"]);
  });

  it("while turning it on over states in clear: the unencrypted method as fallback, the state unenforced for that time only", () => {
    const json = withEncryption({ ...KEY, previous: { kind: "unencrypted" } });
    const encryption = json.terraform!.encryption as Record<string, Record<string, unknown>>;
    expect(encryption.method).toEqual({
      aes_gcm: { sei_2026: { keys: "key_provider.pbkdf2.sei_2026" } },
      unencrypted: { unencrypted: {} },
    });
    expect(encryption.state).toEqual({
      method: "method.aes_gcm.sei_2026",
      enforced: false,
      fallback: { method: "method.unencrypted.unencrypted" },
    });
    expect(encryption.plan).toEqual({ method: "method.aes_gcm.sei_2026", enforced: true });
    expect(Object.keys(json.variable!)).toEqual(["sei_state_passphrase"]);
  });
});
