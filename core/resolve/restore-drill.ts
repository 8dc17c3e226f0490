/**
 * The restore drill of an instance with off-site backups (docs/drills.md): how much room its Job's
 * scratch claim gets and how long the Job may run. `fleet drill` makes its scratch namespace from
 * these and the instance's other plan fields.
 */
import type { RestoreDrillPlan, VolumesPlan } from "../plan.ts";

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

export function restoreDrillOf(volumes: VolumesPlan): RestoreDrillPlan {
  const databaseBytes = volumes.database.storageBytes;
  const documentsBytes = volumes.documents.storageBytes;
  return {
    // The scratch server of point-in-time-set.sh and the set's dumps (each at most the database's size),
    // and the restored documents.
    scratchBytes: documentsBytes + 2 * databaseBytes,
    // Six hours, or longer where the database and documents claims would not restore in them with an hour to spare.
    deadlineSeconds: Math.max(
      MINIMUM_DEADLINE_SECONDS,
      SPARE_SECONDS + Math.ceil((databaseBytes + documentsBytes) / ASSUMED_RESTORE_BYTES_PER_SECOND),
    ),
  };
}
