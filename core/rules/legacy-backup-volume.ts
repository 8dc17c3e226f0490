/**
 * spec.legacyBackupVolume keeps the backup claim of an instance deployed
 * before its cluster had a backup store (docs/backups.md,
 * "Existing backup claims"). On a cluster without a store every instance has its claim, so the
 * mark says something false: it would keep the claim past the store's arrival
 * for an instance that may never have had one.
 */
import type { FleetRule } from "./fleet-rule.ts";
import { finding } from "./fleet-rule.ts";

export const legacyBackupVolume: FleetRule = {
  id: "legacy-backup-volume",
  description: "spec.legacyBackupVolume is only set on a municipality whose cluster has a backup store.",
  check({ municipalities, platform }) {
    if (!platform) return [];
    const p = platform.value.spec;
    return municipalities.flatMap((doc) => {
      if (doc.value.spec.legacyBackupVolume === undefined) return [];
      const clusterName = doc.value.spec.cluster ?? p.defaultCluster;
      const cluster = p.clusters.find((c) => c.name === clusterName);
      // An unknown cluster is the known-cluster rule's finding.
      if (!cluster || cluster.backupStore) return [];
      return [
        finding(doc, {
          path: ["spec", "legacyBackupVolume"],
          message:
            `cluster ${clusterName} has no backupStore in platform.yaml, so every instance on it keeps its backup claim: ` +
            "remove this line; it is written when the cluster gets a store, on the instances deployed before it",
        }),
      ];
    });
  },
};
