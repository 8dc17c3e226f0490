/**
 * The restore Jobs' scripts (restore/*.sh, each one's header says what it does and which
 * environment it takes), read once, and the prefixes of the lines the checks print for
 * restore/volume-source.ts and restore/store-source.ts to read.
 */
import { readFileSync } from "node:fs";

const read = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), "utf8");

export const RESTORE_SCRIPTS = {
  /** Restores one set of the backup volume (the Job `sei-restore`). */
  restore: read("restore.sh"),
  /** The read-only check of the backup volume and the target (the Job `sei-restore-check`). */
  inspect: read("inspect.sh"),
  /** The target's state, run by both checks from TARGET_INSPECTION_SCRIPT. */
  targetInspection: read("target-inspection.sh"),
  /** The read-only check of the backup store and the target. */
  storeInspect: read("store-inspect.sh"),
  /** Builds a point in time's set from the backup store, then runs `restore` on it. */
  storeRestore: read("store-restore.sh"),
} as const;

/** The prefix of the checks' one line about the sets and the target. */
export const INSPECTION_PREFIX = "INSPECTION ";
/** The prefix of the store's check line that lists its snapshots. */
export const STORE_SNAPSHOTS_PREFIX = "STORE_SNAPSHOTS ";
/** The prefix of the store's check lines that give a snapshot's restore size. */
export const STORE_SIZE_PREFIX = "STORE_SIZE ";
