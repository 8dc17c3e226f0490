/**
 * The restore drill of an instance with off-site backups (docs/drills.md): how much room its Job's
 * scratch claim gets and the quota of its scratch namespace. Its Job may run as long as a restore
 * (core/resolve/restore-deadline.ts). `fleet drill` makes the scratch namespace from these and the
 * instance's other plan fields.
 */
import type { RestoreDrillPlan, VolumesPlan } from "../plan.ts";
import { sumWorkloads } from "./quota.ts";
import type { ComponentResources } from "./workloads.ts";

/** Its time is not here: a drill restores what a restore does, in BackupPlan.restoreDeadlineSeconds. */
export function restoreDrillOf(volumes: VolumesPlan, res: ComponentResources): RestoreDrillPlan {
  const databaseBytes = volumes.database.storageBytes;
  const documentsBytes = volumes.documents.storageBytes;
  // The scratch server of point-in-time-set.sh and the set's dumps (each at most the database's size),
  // and the restored documents.
  const scratchBytes = documentsBytes + 2 * databaseBytes;
  // Exactly two pods: the scratch database, sized as the instance's, and the drill Job, sized as its backup.
  const pods = (["database", "backup"] as const).map((component) => ({
    component,
    minReplicas: 1,
    maxReplicas: 1,
    resources: res[component],
  }));
  const { requests, limits } = sumWorkloads(pods, "maxReplicas");
  return {
    scratchBytes,
    // The two claims: the scratch database's (the database's size) and the Job's.
    quota: {
      name: "sei-drill",
      requests,
      limits,
      storageBytes: databaseBytes + scratchBytes,
      persistentVolumeClaims: 2,
      pods: pods.length,
    },
  };
}
