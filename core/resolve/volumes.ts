/**
 * The data volumes of an instance: sizes from the tier, or from the
 * municipality's overrides; claim names; storage classes from the platform.
 * Volumes exist in every formalized phase, so no phase change can remove one.
 */
import type { VolumeKind, VolumePlan } from "../plan.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Platform } from "../schema/platform.ts";
import type { Tier } from "../schema/tier.ts";

export function volumesOf(municipality: Municipality, tier: Tier, platform: Platform): Record<VolumeKind, VolumePlan> {
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
    backup: volume("backup", "sei-backups", backupStorage, storageClasses.readWriteOnce, "ReadWriteOnce"),
    // SEI's /opt/sei/temp: an upload is written there by one request and read by a later one, which
    // may reach another app replica, so every replica and the scheduler (which empties it) share it.
    // Scratch: not backed up, and a backup set never grows with it.
    temp: volume("temp", "sei-temp", t.temp.storage, storageClasses.readWriteMany, "ReadWriteMany"),
  };
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
