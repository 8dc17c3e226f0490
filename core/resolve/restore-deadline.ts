/**
 * How long restoring an instance's database and documents claims may take: the deadline of the
 * Job of `sei-infra restore` (docs/restore.md) and of `fleet drill`'s (docs/drills.md), which
 * restores the same claims the same way. One reckoning, so the two never disagree.
 */
import type { VolumesPlan } from "../plan.ts";

/** Six hours: what every restore gets, however small its instance. */
const MINIMUM_DEADLINE_SECONDS = 6 * 3600;
/** The hour to spare beyond the restore itself: building the set, the check, the scratch database's start. */
const SPARE_SECONDS = 3600;
/**
 * The restore rate counted on: half what bench:restore measured on two loaded cores (1.0–1.1
 * GiB/min, BENCHMARKS.md). A fixed six-hour deadline failed every drill of a full `medio` repository
 * (400 GiB, about 6 h) and of any large metropole.
 */
const ASSUMED_RESTORE_BYTES_PER_SECOND = (0.5 * 1024 ** 3) / 60;

/** Six hours, or longer where the database and documents claims would not restore in them with an hour to spare. */
export function restoreDeadlineSecondsOf(volumes: VolumesPlan): number {
  const claimsBytes = volumes.database.storageBytes + volumes.documents.storageBytes;
  return Math.max(MINIMUM_DEADLINE_SECONDS, SPARE_SECONDS + Math.ceil(claimsBytes / ASSUMED_RESTORE_BYTES_PER_SECOND));
}
