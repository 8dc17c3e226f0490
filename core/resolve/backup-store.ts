/**
 * The municipality's repository in its cluster's off-site backup store
 * (docs/backups.md): bucket, prefix, restic repository URL, the store user
 * whose key the namespace holds, the tier's retention. Null where the cluster
 * has no store: the instance then keeps its nightly sets on a backup claim.
 */
import { BACKUP_STORE_SECRET } from "../naming.ts";
import type { BackupStorePlan } from "../plan.ts";
import { storePort, type BackupStore } from "../schema/backup-store.ts";
import type { Municipality } from "../schema/municipality.ts";
import type { Tier } from "../schema/tier.ts";

/**
 * What a municipality's repository is expected to hold per byte of its database and document
 * room: restic keeps one deduplicated copy (documents are written once and never change; an
 * unchanged nightly dump adds about 0.3 MiB of 72 MiB), and a quarter more holds the history the
 * tier's retention keeps (changed dump chunks, binary logs, documents SEI has since deleted).
 * docs/capacity.md and every capacity report state it.
 */
export const STORE_BYTES_PER_DATA_BYTE = 1.25;

/** `dataBytes`: the instance's database and document room, what its snapshots copy. */
export function backupStoreOf(
  store: BackupStore | undefined,
  municipality: Municipality,
  tier: Tier,
  dataBytes: number,
): BackupStorePlan | null {
  if (!store) return null;
  const { name } = municipality.metadata;
  return {
    secretName: BACKUP_STORE_SECRET,
    endpoint: store.endpoint,
    region: store.region,
    bucket: store.bucket,
    // One prefix per municipality: the store user's policy is scoped to it, and restic's repository is it.
    prefix: name,
    repository: `s3:${store.endpoint}/${store.bucket}/${name}`,
    user: backupStoreUser(name),
    ca: store.ca ?? null,
    egress: { cidr: store.cidr, port: storePort(store.endpoint) },
    retention: { ...tier.spec.backup.retention },
    objectStorageBytes: Math.ceil(dataBytes * STORE_BYTES_PER_DATA_BYTE),
    adminCredentialEnv: { ...store.adminCredentialEnv },
  };
}

/** The municipality's user in the store (its access key id): unique fleet-wide, as municipality names are. */
export function backupStoreUser(municipality: string): string {
  return `sei-backup-${municipality}`;
}
