/**
 * The plan of an example instance on a cluster with a backup store (production `medio` unless told), with or
 * without its claim's mark: the one fixture of a store-backed plan for the synthesis, restore and drill tests.
 */
import { loadFleet } from "../../core/load-fleet.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import type { BackupStore } from "../../core/schema/backup-store.ts";
import type { Phase, TierId } from "../../core/schema/municipality.ts";
import { exampleMunicipality, platformWithStore, REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });
export const CA = "-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n";

/** The store, without its CA: the administrator's key from ADMIN_ID and ADMIN_SECRET, which must never reach a stack. */
const STORE: BackupStore = {
  endpoint: "https://s3.dr.prodemge.mg.gov.br:7070",
  region: "us-east-1",
  bucket: "sei-backups-bh-1",
  cidr: "10.60.0.10/32",
  adminCredentialEnv: { accessKeyId: "ADMIN_ID", secretAccessKey: "ADMIN_SECRET" },
};

export interface StorePlanOptions {
  /** @default "medio" */
  readonly tier?: TierId;
  /** @default "production" */
  readonly phase?: Phase;
  /** Whether the store has a private CA. @default true */
  readonly ca?: boolean;
}

export function planWithStore(
  legacyBackupVolume?: boolean | "migrated",
  { tier = "medio", phase = "production", ca = true }: StorePlanOptions = {},
) {
  const municipality = exampleMunicipality({ tier, phase });
  return planInstance({
    municipality:
      legacyBackupVolume === undefined
        ? municipality
        : { ...municipality, spec: { ...municipality.spec, legacyBackupVolume } },
    tier: fleet.tiers.get(tier)!,
    platform: platformWithStore(ca ? { ...STORE, ca: CA } : STORE),
    sourceFile: "test",
  });
}
