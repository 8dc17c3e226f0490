/** The plan of a production `medio` instance on a cluster with a backup store, with or without its claim's mark. */
import { loadFleet } from "../../core/fleet.ts";
import { planInstance } from "../../core/resolve/instance.ts";
import type { Platform } from "../../core/schema/platform.ts";
import { exampleMunicipality, REPO_ROOT } from "../../scripts/lib/example-plan.ts";
import { workingTree } from "../../sources/working-tree.ts";

const fleet = loadFleet({ source: workingTree(REPO_ROOT) });
export const CA = "-----BEGIN CERTIFICATE-----\nMIIBexample\n-----END CERTIFICATE-----\n";

export function planWithStore(legacyBackupVolume?: boolean | "migrated") {
  const loaded = fleet.platform!;
  const [first, ...rest] = loaded.spec.clusters;
  const platform: Platform = {
    ...loaded,
    spec: {
      ...loaded.spec,
      clusters: [
        {
          ...first!,
          backupStore: {
            endpoint: "https://s3.dr.prodemge.mg.gov.br:7070",
            region: "us-east-1",
            bucket: "sei-backups-bh-1",
            ca: CA,
            cidr: "10.60.0.10/32",
            adminCredentialEnv: { accessKeyId: "ADMIN_ID", secretAccessKey: "ADMIN_SECRET" },
          },
        },
        ...rest,
      ],
    },
  };
  const municipality = exampleMunicipality({ tier: "medio", phase: "production" });
  return planInstance({
    municipality:
      legacyBackupVolume === undefined
        ? municipality
        : { ...municipality, spec: { ...municipality.spec, legacyBackupVolume } },
    tier: fleet.tiers.get("medio")!,
    platform,
    sourceFile: "test",
  });
}
