/**
 * The data volumes of an instance: sizes from the tier, or from the
 * municipality's overrides; claim names; storage classes from the platform.
 * Volumes exist in every formalized phase, so no phase change can remove one.
 */
import type { VolumeKind, VolumePlan, VolumesPlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";

export function volumesOf(municipality: Municipality, tier: Tier, platform: Platform): VolumesPlan {
  const t = tier.spec;
  const { storageClasses } = platform.spec;
  const overrides = municipality.spec.overrides ?? {};
  const databaseStorage = overrides.databaseStorage ?? t.database.storage;
  const documentsStorage = overrides.documentsStorage ?? t.documents.storage;
  const backupStorage = overrides.backupStorage ?? backupRoom(municipality, tier);
  return {
    database: volume("database", "sei-database-data", databaseStorage, storageClasses.readWriteOnce, "ReadWriteOnce"),
    documents: volume("documents", "sei-documents", documentsStorage, storageClasses.readWriteMany, "ReadWriteMany"),
    solr: volume(
      "solr",
      "sei-solr-data",
      overrides.solrStorage ?? t.solr.storage,
      storageClasses.readWriteOnce,
      "ReadWriteOnce",
    ),
    backup: hasBackupClaim(municipality, platform)
      ? volume("backup", BACKUP_CLAIM, backupStorage, storageClasses.readWriteOnce, "ReadWriteOnce")
      : null,
    // SEI's /opt/sei/temp: an upload is written there by one request and read by a later one, which
    // may reach another app replica, so every replica and the scheduler (which empties it) share it.
    // Scratch: not backed up, and a backup set never grows with it.
    temp: volume("temp", "sei-temp", t.temp.storage, storageClasses.readWriteMany, "ReadWriteMany"),
  };
}

/** The nightly sets' claim of an instance without a backup store (docs/backups.md, "Existing backup claims"). */
export const BACKUP_CLAIM = "sei-backups";

/** The volumes an instance has: every kind but a backup claim it does not have. */
export function presentVolumes(volumes: VolumesPlan): VolumePlan[] {
  return Object.values(volumes).filter((v): v is VolumePlan => v !== null);
}

/**
 * Whether the instance has a backup claim: always where its cluster has no
 * backup store; with one, only an instance marked as deployed with a claim
 * before (spec.legacyBackupVolume), so no plan deletes an existing claim and
 * no new instance gets one (docs/backups.md, "Existing backup claims").
 */
export function hasBackupClaim(municipality: Municipality, platform: Platform): boolean {
  const p = platform.spec;
  const clusterName = municipality.spec.cluster ?? p.defaultCluster;
  const store = p.clusters.find((c) => c.name === clusterName)?.backupStore;
  return !store || municipality.spec.legacyBackupVolume === true;
}

/**
 * The backup claim whose sets `sei-infra backups migrate-claim` moved into the store
 * (spec.legacyBackupVolume: "migrated"), which the stack removes from its state without
 * deleting it; null otherwise. On a cluster without a store the mark is rule
 * legacy-backup-volume's error, and the claim stays.
 */
export function migratedBackupClaim(municipality: Municipality, platform: Platform): string | null {
  const migrated = municipality.spec.legacyBackupVolume === "migrated";
  return migrated && !hasBackupClaim(municipality, platform) ? BACKUP_CLAIM : null;
}

/**
 * The backup volume a municipality needs: a backup set holds a copy of the
 * documents and dumps of the database, so the tier's backup room grows by
 * whatever an override adds to either; it never drops below the tier's. The
 * backupStorage override may only be larger (core/rules/backup-room.ts).
 */
export function backupRoom(municipality: Municipality, tier: Tier): number {
  const t = tier.spec;
  const overrides = municipality.spec.overrides ?? {};
  return (
    t.backup.storage +
    Math.max(0, (overrides.documentsStorage ?? t.documents.storage) - t.documents.storage) +
    Math.max(0, (overrides.databaseStorage ?? t.database.storage) - t.database.storage)
  );
}

function volume(
  kind: VolumeKind,
  claimName: string,
  storageBytes: number,
  storageClass: string,
  accessMode: VolumePlan["accessMode"],
): VolumePlan {
  return { kind, claimName, storageBytes, storageClass, accessMode };
}
