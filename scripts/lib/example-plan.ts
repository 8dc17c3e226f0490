/**
 * Example plans, for tests and scripts/chart-ci-values.ts: the repository's real
 * platform.yaml and tier files, with a synthetic municipality whose tier and
 * phase the caller chooses.
 */
import { fileURLToPath } from "node:url";
import { loadFleet } from "../../core/load-fleet.ts";
import type { InstancePlan } from "../../core/plan.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import { TIER_IDS, type Municipality, type Phase, type TierId } from "../../core/schema/municipality.ts";
import type { BackupStore } from "../../core/schema/backup-store.ts";
import type { Platform } from "../../core/schema/platform.ts";
import { workingTree } from "../../sources/working-tree.ts";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });

export { TIER_IDS };

export interface ExampleOptions {
  readonly tier: TierId;
  readonly phase?: Phase;
  readonly name?: string;
  readonly overrides?: Municipality["spec"]["overrides"];
  readonly rotation?: Municipality["spec"]["rotation"];
  readonly legacyBackupVolume?: Municipality["spec"]["legacyBackupVolume"];
}

/** An example backup store (docs/backups.md), for plans of a cluster that has one. */
export const EXAMPLE_BACKUP_STORE: BackupStore = {
  endpoint: "https://s3.dr.prodemge.mg.gov.br:7070",
  region: "us-east-1",
  bucket: "sei-backups-bh-1",
  cidr: "10.60.0.10/32",
  adminCredentialEnv: {
    accessKeyId: "SEI_BACKUP_ADMIN_ACCESS_KEY_ID",
    secretAccessKey: "SEI_BACKUP_ADMIN_SECRET_ACCESS_KEY",
  },
};

/** The repository's platform changed by `change`: a test's variant (a cluster without a directory, an SMTP account). */
export function examplePlatform(change: (spec: Platform["spec"]) => Platform["spec"]): Platform {
  const platform = fleet.platform!;
  return { ...platform, spec: change(platform.spec) };
}

/** The repository's platform with `store` on its clusters: what a platform with off-site backups resolves to. */
export function platformWithStore(store: BackupStore = EXAMPLE_BACKUP_STORE): Platform {
  const platform = fleet.platform!;
  return {
    ...platform,
    spec: { ...platform.spec, clusters: platform.spec.clusters.map((c) => ({ ...c, backupStore: store })) },
  };
}

export function exampleMunicipality({
  tier,
  phase = "production",
  name = "exemplo",
  overrides,
  rotation,
  legacyBackupVolume,
}: ExampleOptions): Municipality {
  return {
    apiVersion: "sei.mg.gov.br/v1",
    kind: "Municipality",
    metadata: { name },
    spec: {
      ibgeCode: "3170206",
      displayName: "Uberlândia",
      population: 713224,
      tier,
      phase,
      contract: { number: "1/2026", signedOn: "2026-01-10", pncpId: "11222333000181-2-000001/2026" },
      domain: `sei.${name}.mg.gov.br`,
      team: {
        projectManager: { name: "Ana", email: "ana@example.org" },
        businessLead: { name: "Bia", email: "bia@example.org" },
        itLead: { name: "Caio", email: "caio@example.org", login: "caio", firstAdministrator: true },
      },
      ...(overrides ? { overrides } : {}),
      ...(rotation ? { rotation } : {}),
      ...(legacyBackupVolume === undefined ? {} : { legacyBackupVolume }),
    },
  };
}

/** The plan a municipality of this tier and phase gets from the repository's tiers and platform (or `platform`). */
export function examplePlan(options: ExampleOptions, platform?: Platform): InstancePlan {
  const tier = fleet.tiers.get(options.tier);
  if (!tier || !fleet.platform)
    throw new Error(`repository tiers/platform did not load: ${JSON.stringify(fleet.diagnostics)}`);
  return planInstance({
    municipality: exampleMunicipality(options),
    tier,
    platform: platform ?? fleet.platform,
    sourceFile: "test",
  });
}
