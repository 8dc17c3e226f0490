/**
 * The real engine on a migrated backup claim: OpenTofu plans the `removed`
 * block the stack synthesizes for `spec.legacyBackupVolume: "migrated"` as a
 * claim leaving the state, not as a destroy, against a state that holds the
 * claim at the address the stack gave it while it was kept (`true`).
 *
 * Scope: planning the whole stack needs a live API server (its data sources,
 * the storage class guard and copied Secrets, are read at every plan), which
 * the unit suite has not. So the engine plans the synthesized stack's
 * `terraform` and provider requirements and its `removed` block, without
 * refresh, against a state holding the claim: exactly the part that decides
 * whether the claim is destroyed. The contrast (the same state without the
 * block) plans the delete that `prevent_destroy` exists to stop.
 *
 * Needs OpenTofu and the toolchain's provider mirror (test/support/tools.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireTools, toolchainEngine } from "../support/tools.ts";
import { planWithStore } from "./backup-store-plan.ts";
import { cleanScratch, resourcesOf, scratchDir, synthStack, type StackJson } from "./support.ts";

afterAll(cleanScratch);

const { tofu, mirror, missing } = toolchainEngine();

type Synthesized = StackJson & {
  terraform: { required_providers: Record<string, unknown> };
  removed?: unknown;
};

interface PlannedChange {
  address: string;
  change: { actions: string[] };
}

describe("OpenTofu on a migrated backup claim", () => {
  it("has OpenTofu and the provider mirror (CI builds both)", (ctx) =>
    requireTools(ctx, missing, { builtByCi: true, why: "bash scripts/e2e/toolchain.sh builds them" }));
});

describe.skipIf(missing.length > 0)("OpenTofu on a migrated backup claim", () => {
  const kept = synthStack(planWithStore(true)).json as Synthesized;
  const migrated = synthStack(planWithStore("migrated")).json as Synthesized;
  const name = Object.keys(resourcesOf(kept, "kubernetes_persistent_volume_claim_v1")).find((a) =>
    a.startsWith("BackupVolume"),
  )!;
  const claim = resourcesOf(kept, "kubernetes_persistent_volume_claim_v1")[name] as {
    metadata: { name: string; namespace: string };
  };

  /** Plans `removed` (or not) against a state holding the kept claim; the planned changes. */
  function plan(removed: unknown): PlannedChange[] {
    const folder = scratchDir("sei-forgotten-claim-");
    const kubeconfig = join(folder, "kubeconfig");
    // Never contacted: nothing is refreshed and no data source is in this configuration.
    writeFileSync(
      kubeconfig,
      "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:9'}}]\n" +
        "users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n",
    );
    const config = {
      terraform: { required_providers: migrated.terraform.required_providers },
      provider: { kubernetes: [{ config_path: kubeconfig, config_context: "x" }] },
      ...(removed === undefined ? {} : { removed }),
    };
    writeFileSync(join(folder, "main.tf.json"), JSON.stringify(config));
    writeFileSync(join(folder, "terraform.tfstate"), JSON.stringify(stateWithClaim(name, claim.metadata)));
    const cliConfig = join(folder, "tofu.rc");
    writeFileSync(cliConfig, `provider_installation {\n  filesystem_mirror { path = ${JSON.stringify(mirror)} }\n}\n`);
    const env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_DATA_DIR: join(folder, ".tofu"),
      CHECKPOINT_DISABLE: "1",
      TF_IN_AUTOMATION: "1",
    };
    mkdirSync(env.TF_DATA_DIR, { recursive: true });
    const run = (args: string[]) => execFileSync(tofu!, args, { cwd: folder, env, encoding: "utf8" });
    run(["init", "-input=false", "-no-color"]);
    run(["plan", "-refresh=false", "-input=false", "-no-color", "-out=plan.tfplan"]);
    return (JSON.parse(run(["show", "-json", "plan.tfplan"])) as { resource_changes?: PlannedChange[] })
      .resource_changes!;
  }

  it("plans the claim out of the state and destroys nothing", () => {
    expect(migrated.removed).toBeDefined();
    const changes = plan(migrated.removed);
    expect(changes.map((c) => [c.address, c.change.actions])).toEqual([
      [`kubernetes_persistent_volume_claim_v1.${name}`, ["forget"]],
    ]);
  }, 120_000);

  it("would plan its delete without the removed block (what prevent_destroy stops)", () => {
    const changes = plan(undefined);
    expect(changes.map((c) => [c.address, c.change.actions])).toEqual([
      [`kubernetes_persistent_volume_claim_v1.${name}`, ["delete"]],
    ]);
  }, 120_000);
});

/** A state (format 4) holding the claim as the kubernetes provider wrote it, at the stack's address. */
function stateWithClaim(name: string, metadata: { name: string; namespace: string }) {
  return {
    version: 4,
    terraform_version: "1.12.6",
    serial: 1,
    lineage: "00000000-0000-4000-8000-000000000019",
    outputs: {},
    resources: [
      {
        mode: "managed",
        type: "kubernetes_persistent_volume_claim_v1",
        name,
        provider: 'provider["registry.opentofu.org/hashicorp/kubernetes"]',
        instances: [
          {
            schema_version: 0,
            attributes: {
              id: `${metadata.namespace}/${metadata.name}`,
              metadata: [{ name: metadata.name, namespace: metadata.namespace }],
              spec: [{ access_modes: ["ReadWriteOnce"], resources: [{ requests: { storage: "60Gi" } }] }],
              wait_until_bound: false,
            },
          },
        ],
      },
    ],
  };
}
