/**
 * The restore drill of an instance with off-site backups (docs/drills.md): how much room its Job's
 * scratch claim gets, how long the Job may run, and the quota of its scratch namespace. `fleet drill`
 * makes the scratch namespace from these and the instance's other plan fields.
 */
import type { RestoreDrillPlan, VolumesPlan } from "../plan.ts";
import { sumWorkloads } from "./quota.ts";
import type { ComponentResources } from "./workloads.ts";

/** Six hours: what every drill gets, however small its instance. */
const MINIMUM_DEADLINE_SECONDS = 6 * 3600;
/** The hour to spare beyond the restore itself: building the set, the check, the scratch database's start. */
const SPARE_SECONDS = 3600;
/**
 * The restore rate a drill counts on: half what bench:restore measured on two loaded cores (1.0–1.1
 * GiB/min, BENCHMARKS.md). A fixed six-hour deadline failed every drill of a full `medio` repository
 * (400 GiB, about 6 h) and of any large metropole.
 */
const ASSUMED_RESTORE_BYTES_PER_SECOND = (0.5 * 1024 ** 3) / 60;

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
    // Six hours, or longer where the database and documents claims would not restore in them with an hour to spare.
    deadlineSeconds: Math.max(
      MINIMUM_DEADLINE_SECONDS,
      SPARE_SECONDS + Math.ceil((databaseBytes + documentsBytes) / ASSUMED_RESTORE_BYTES_PER_SECOND),
    ),
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
